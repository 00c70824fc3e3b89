package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.openstack.testsupport.OpenstackTestbed;
import io.hoist.plugin.openstack.testsupport.TestHosts;
import io.hoist.testkit.HostContextTestDouble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connection tests against the testbed's real Keystone (http :5000 and https :5443); each wrong setting its reason. */
class OpenstackConnectionTest {
    static OpenstackTestbed bed;

    @BeforeAll
    static void up() {
        bed = OpenstackTestbed.get();
    }

    private static List<Condition> test(ProviderConfig p, HostContextTestDouble host) {
        try (var source = new OpenstackProviderFactory().create(p, host)) {
            return source.testConnection();
        }
    }

    private static List<Condition> test(ProviderConfig p) {
        return test(p, TestHosts.withTransferEngine());
    }

    private static Condition connection(List<Condition> cs) {
        return cs.stream().filter(c -> c.type().equals("ConnectionTestSucceeded")).findFirst().orElseThrow();
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void passwordLoginSucceedsAndNamesTheProject() {
        HostContextTestDouble host = TestHosts.withTransferEngine();
        Condition c = connection(test(bed.provider(Map.of()), host));
        assertThat(c.status()).isEqualTo("True");
        assertThat(c.message()).contains("user hoist").contains("project hoist");
        assertThat(String.join("\n", host.logLines)).doesNotContain(bed.text("password"));
    }

    @Test
    void wrongPasswordIsConnectionAuthFailedWithoutTheSecret() {
        List<Condition> cs = test(bed.provider(with("password", "not-the-password-42")));
        Condition c = connection(cs);
        assertThat(c.status()).isEqualTo("False");
        assertThat(c.reason()).isEqualTo("ConnectionAuthFailed");
        assertThat(cs.toString()).doesNotContain("not-the-password-42");
    }

    @Test
    void unknownProjectIsItsOwnReason() {
        Condition c = connection(test(bed.provider(with("projectName", "no-such-project"))));
        assertThat(c.status()).isEqualTo("False");
        // Keystone answers 401 as for a wrong password; the plugin's unscoped second login tells them apart
        assertThat(c.reason()).isEqualTo("ProjectNotFound");
        assertThat(c.message()).contains("projectName no-such-project");
        // a project that exists but where the user has no role (the services' project) is the same reason
        Condition noRole = connection(test(bed.provider(with("projectName", "service"))));
        assertThat(noRole.reason()).isEqualTo("ProjectNotFound");
    }

    @Test
    void wrongRegionIsRegionNotValid() {
        Condition c = connection(test(bed.provider(with("regionName", "RegionTwo"))));
        assertThat(c.reason()).isEqualTo("RegionNotValid");
        assertThat(c.message()).contains("RegionTwo").contains("regionName");
    }

    @Test
    void malformedUrlAndMissingKeysAreStaticReasons() {
        assertThat(connection(test(bed.provider("ftp://127.0.0.1:5000/v3", Map.of()))).reason()).isEqualTo("UrlNotValid");
        assertThat(connection(test(bed.provider("http://127.0.0.1:5000/v2.0", Map.of()))).message()).contains("/v3");
        Condition missing = connection(test(bed.provider(with("password", ""))));
        assertThat(missing.reason()).isEqualTo("SecretNotValid");
        assertThat(missing.message()).contains("'password'");
        assertThat(connection(test(bed.provider(with("authType", "kerberos")))).message()).contains("authType");
    }

    @Test
    void nothingListensIsConnectionTestFailed() {
        Condition c = connection(test(bed.provider("http://127.0.0.1:9/v3", Map.of())));
        assertThat(c.reason()).isEqualTo("ConnectionTestFailed");
        assertThat(c.message()).contains("connection refused");
    }

    @Test
    void tlsIsVerifiedAgainstTheSecretsCaOnly() throws IOException {
        String https = bed.text("authUrlTls");
        String ca = Files.readString(Path.of(bed.text("caFile")));
        String unrelated = Files.readString(Path.of(bed.text("unrelatedCaFile")));

        Condition untrusted = connection(test(bed.provider(https, Map.of())));
        assertThat(untrusted.reason()).isEqualTo("TLSVerificationFailed");
        assertThat(untrusted.message()).contains("insecureSkipVerify");

        Condition wrongCa = connection(test(bed.provider(https, with("cacert", unrelated))));
        assertThat(wrongCa.reason()).isEqualTo("TLSVerificationFailed");
        assertThat(wrongCa.message()).contains("cacert");

        assertThat(connection(test(bed.provider(https, with("cacert", ca)))).status()).isEqualTo("True");
        assertThat(connection(test(bed.provider(https, with("insecureSkipVerify", "true")))).status()).isEqualTo("True");
        // one provider's insecure setting never loosens another's: the untrusted one still fails afterwards
        assertThat(connection(test(bed.provider(https, Map.of()))).reason()).isEqualTo("TLSVerificationFailed");

        Condition notPem = connection(test(bed.provider(https, with("cacert", "not a certificate"))));
        assertThat(notPem.reason()).isEqualTo("SecretNotValid");
    }

    @Test
    void tokenAuthentication() {
        String token = bed.token("hoist", bed.text("password"), "hoist");
        Map<String, String> secret = new HashMap<>();
        secret.put("authType", "token");
        secret.put("token", token);
        secret.put("password", null);
        secret.put("username", null);
        Condition c = connection(test(bed.provider(secret)));
        assertThat(c.status()).isEqualTo("True");
        assertThat(c.message()).contains("a token");

        bed.revoke(token);
        Condition revoked = connection(test(bed.provider(secret)));
        assertThat(revoked.reason()).isEqualTo("ConnectionAuthFailed");
        assertThat(revoked.message()).doesNotContain(token);
    }

    @Test
    void applicationCredentialAuthentication() {
        String token = bed.token("hoist", bed.text("password"), "hoist");
        String userId = whoAmI(token);
        JsonNode created = createAppCredential(token, userId, "hoist-test-" + System.nanoTime());
        String id = created.path("application_credential").path("id").asText();
        String secretValue = created.path("application_credential").path("secret").asText();
        Map<String, String> secret = new HashMap<>();
        secret.put("authType", "applicationcredential");
        secret.put("applicationCredentialID", id);
        secret.put("applicationCredentialSecret", secretValue);
        secret.put("password", null);
        List<Condition> ok = test(bed.provider(secret));
        assertThat(connection(ok).status()).as(ok.toString()).isEqualTo("True");
        assertThat(connection(ok).message()).contains("application credential " + id).doesNotContain(secretValue);

        secret.put("applicationCredentialSecret", "wrong-secret-value");
        Condition bad = connection(test(bed.provider(secret)));
        assertThat(bad.reason()).isEqualTo("ConnectionAuthFailed");
        assertThat(bad.message()).doesNotContain("wrong-secret-value");
    }

    private static String whoAmI(String token) {
        var http = java.net.http.HttpClient.newHttpClient();
        try {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(bed.text("authUrl") + "/auth/tokens"))
                    .header("X-Auth-Token", token).header("X-Subject-Token", token).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("token").path("user").path("id").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode createAppCredential(String token, String userId, String name) {
        var http = java.net.http.HttpClient.newHttpClient();
        try {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(bed.text("authUrl") + "/users/" + userId
                            + "/application_credentials")).header("X-Auth-Token", token).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"application_credential\":{\"name\":\"" + name + "\"}}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
