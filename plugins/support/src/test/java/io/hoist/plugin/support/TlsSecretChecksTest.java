package io.hoist.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.ProviderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsSecretChecksTest {
    private static ProviderConfig withSecret(Map<String, String> secret) {
        return new ProviderConfig("uid", "ns", "p", "test", "https://h/x", Map.of(), secret);
    }

    /** A real self-signed certificate (openssl, P-256, valid 100 years): parsing needs no network and no clock. */
    private static String testCa() throws IOException {
        try (InputStream in = TlsSecretChecksTest.class.getResourceAsStream("/test-ca.pem")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aRealCertificateParsesAndTextDoesNot() throws IOException {
        assertThat(TlsSecretChecks.isPemCertificates(testCa())).isTrue();
        assertThat(TlsSecretChecks.isPemCertificates("not a certificate")).isFalse();
        assertThat(TlsSecretChecks.isPemCertificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isFalse();
    }

    @Test
    void goodOrAbsentKeysHaveNoProblem() throws IOException {
        assertThat(TlsSecretChecks.problems(withSecret(Map.of()))).isEmpty();
        assertThat(TlsSecretChecks.problems(withSecret(Map.of("cacert", testCa(), "insecureSkipVerify", "TRUE")))).isEmpty();
        assertThat(TlsSecretChecks.problems(withSecret(Map.of("ca.crt", testCa(), "insecureSkipVerify", "false")))).isEmpty();
    }

    @Test
    void eachBadKeyIsNamed() {
        assertThat(TlsSecretChecks.problems(withSecret(Map.of("insecureSkipVerify", "yes", "cacert", "garbage"))))
                .containsExactly("key 'insecureSkipVerify' must be true or false",
                        "key 'cacert' is not a PEM certificate bundle");
    }

    @Test
    void aBadBundleUnderCaCrtNamesThatKey() {
        assertThat(TlsSecretChecks.problems(withSecret(Map.of("cacert", " ", "ca.crt", "garbage"))))
                .containsExactly("key 'ca.crt' is not a PEM certificate bundle");
    }
}
