package io.hoist.policy.builtins;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signer against AWS's own published examples (OPA's sign_req cases are in the own conformance area providersaws). */
class AwsSigV4Test {
    private static final byte[] EMPTY = new byte[0];

    /** AWS Signature Version 4 test suite, get-vanilla (no content hash header). */
    @Test
    void getVanillaFromTheAwsTestSuite() {
        Map<String, String> h = AwsSigV4.sign("GET", "https://example.amazonaws.com/", Map.of(), EMPTY, "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "service", "us-east-1",
                Instant.parse("2015-08-30T12:36:00Z"), false, false);
        assertThat(h.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
                + "SignedHeaders=host;x-amz-date,Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assertThat(h).containsEntry("x-amz-date", "20150830T123600Z").containsEntry("host", "example.amazonaws.com");
    }

    /** Amazon S3 API reference, "Example: GET Object" (header-based auth, empty payload hashed). */
    @Test
    void s3GetObjectExampleFromTheAwsDocumentation() {
        Map<String, String> h = AwsSigV4.sign("GET", "https://examplebucket.s3.amazonaws.com/test.txt", Map.of("Range", "bytes=0-9"), EMPTY,
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null, "s3", "us-east-1",
                Instant.parse("2013-05-24T00:00:00Z"), false, true);
        assertThat(h.get("Authorization")).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        assertThat(h).containsEntry("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
