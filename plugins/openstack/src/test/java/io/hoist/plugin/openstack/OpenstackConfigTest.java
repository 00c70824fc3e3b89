package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Static checks of an OpenStack Provider's URL and Secret: each problem named, no secret printed. */
class OpenstackConfigTest {
    static ProviderConfig provider(String url, Map<String, String> secret) {
        return new ProviderConfig("uid", "ns", "os", "openstack", url, Map.of(), secret);
    }

    static Map<String, String> password() {
        return new HashMap<>(Map.of("username", "u", "password", "s3cret-value", "projectName", "p"));
    }

    static String messages(List<Condition> cs) {
        return cs.stream().map(Condition::message).toList().toString();
    }

    @Test
    void aCompletePasswordSecretPasses() {
        assertThat(OpenstackConfig.validate(provider("https://keystone:5000/v3", password()))).isEmpty();
        OpenstackConfig c = OpenstackConfig.of(provider("https://keystone:5000/v3/", password()));
        assertThat(c.authUrl().toString()).isEqualTo("https://keystone:5000/v3");
        assertThat(c.domainName()).isEqualTo("Default");
        assertThat(c.toString()).doesNotContain("s3cret-value");
    }

    @Test
    void theUrlMayComeFromTheSecretAsMtvAllows() {
        Map<String, String> s = password();
        s.put("url", "http://127.0.0.1:5000/v3");
        assertThat(OpenstackConfig.validate(provider("", s))).isEmpty();
    }

    @Test
    void eachProblemIsNamed() {
        assertThat(messages(OpenstackConfig.validate(provider("keystone:5000", password())))).contains("spec.url");
        assertThat(messages(OpenstackConfig.validate(provider("https://keystone:5000/v2.0", password())))).contains("/v3");
        assertThat(messages(OpenstackConfig.validate(provider("https://u:p@keystone:5000/v3", password())))).contains("credentials");
        Map<String, String> s = password();
        s.remove("projectName");
        s.put("insecureSkipVerify", "maybe");
        s.put("cacert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----");
        String m = messages(OpenstackConfig.validate(provider("https://k/v3", s)));
        assertThat(m).contains("'projectName'", "'insecureSkipVerify'", "'cacert'").doesNotContain("s3cret-value");
        // a Secret with a project only: both password-login keys named in one condition
        m = messages(OpenstackConfig.validate(provider("https://k/v3", new HashMap<>(Map.of("projectName", "p")))));
        assertThat(m).contains("'username'", "'password'");
    }

    @Test
    void tokenAndApplicationCredentialNeedTheirOwnKeys() {
        String m = messages(OpenstackConfig.validate(provider("https://k/v3", Map.of("authType", "token", "projectName", "p"))));
        assertThat(m).contains("'token'");
        m = messages(OpenstackConfig.validate(provider("https://k/v3", Map.of("authType", "applicationcredential",
                "applicationCredentialName", "n", "applicationCredentialSecret", "x"))));
        assertThat(m).contains("'username' and 'domainName'");
        assertThat(OpenstackConfig.validate(provider("https://k/v3", Map.of("authType", "applicationcredential",
                "applicationCredentialID", "id", "applicationCredentialSecret", "x")))).isEmpty();
    }
}
