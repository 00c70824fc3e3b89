package io.hoist.plugin.kubevirt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.destination.Destination;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.kubevirt.KubevirtDestinationProviderFactory;
import io.hoist.plugin.kubevirt.testing.Hosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.kubevirt.testing.KubevirtClusterForTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionTest {
    @TempDir
    Path tmp;

    private final KubevirtDestinationProviderFactory factory = new KubevirtDestinationProviderFactory();

    private static ProviderConfig withSecret(ProviderConfig c, Map<String, String> secret) {
        return new ProviderConfig(c.uid(), c.namespace(), c.name(), c.type(), c.url(), c.settings(), secret);
    }

    @Test
    void tlsIsVerifiedUnlessTheSecretTurnsItOff() throws Exception {
        try (KubevirtClusterForTest cluster = new KubevirtClusterForTest()) {
            ProviderConfig withCa = cluster.provider(Map.of());
            try (Destination d = factory.create(withCa, Hosts.create(tmp))) {
                assertThat(d.testConnection()).extracting(Condition::status).containsExactly("True");
            }
            ProviderConfig noCa = withSecret(withCa, Map.of("token", "sa-token-secret"));
            try (Destination d = factory.create(noCa, Hosts.create(tmp))) {
                List<Condition> conditions = d.testConnection();
                assertThat(conditions).extracting(Condition::type, Condition::status).contains(
                        org.assertj.core.groups.Tuple.tuple("ConnectionTestSucceeded", "False"),
                        org.assertj.core.groups.Tuple.tuple("ConnectionTLSFailed", "True"));
                assertThat(conditions).allSatisfy(c -> assertThat(c.message()).doesNotContain("sa-token-secret"));
            }
            ProviderConfig insecure = withSecret(withCa, Map.of("token", "sa-token-secret", "insecureSkipVerify", "true"));
            try (Destination d = factory.create(insecure, Hosts.create(tmp))) {
                assertThat(d.testConnection()).extracting(Condition::status).containsExactly("True");
            }
        }
    }

    @Test
    void anEmptyUrlMeansThePlatformsOwnKubeconfig() throws Exception {
        try (KubevirtClusterForTest cluster = new KubevirtClusterForTest()) {
            ProviderConfig remote = cluster.provider(Map.of());
            String ca = java.util.Base64.getEncoder().encodeToString(remote.caCertPem().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Path kubeconfig = tmp.resolve("kubeconfig");
            java.nio.file.Files.writeString(kubeconfig, String.join("\n",
                    "apiVersion: v1", "kind: Config", "current-context: platform",
                    "clusters: [{name: platform, cluster: {server: \"" + remote.url() + "\", certificate-authority-data: " + ca + "}}]",
                    "users: [{name: platform, user: {token: platform-token}}]",
                    "contexts: [{name: platform, context: {cluster: platform, user: platform}}]", ""));
            String previous = System.getProperty("kubeconfig");
            System.setProperty("kubeconfig", kubeconfig.toString());
            try (Destination d = factory.create(new ProviderConfig("u", "ns", "host", "openshift", "", Map.of(), Map.of()),
                    Hosts.create(tmp))) {
                assertThat(d.testConnection()).extracting(Condition::type, Condition::status)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("ConnectionTestSucceeded", "True"));
            } finally {
                if (previous == null) {
                    System.clearProperty("kubeconfig");
                } else {
                    System.setProperty("kubeconfig", previous);
                }
            }
        }
    }

    @Test
    void aRefusedTokenIsConnectionAuthFailed() throws Exception {
        try (KubevirtClusterForTest cluster = new KubevirtClusterForTest()) {
            cluster.server.expect().get().withPath("/api/v1/namespaces?limit=1")
                    .andReturn(401, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "code", 401, "reason", "Unauthorized"))
                    .always();
            try (Destination d = factory.create(cluster.provider(Map.of()), Hosts.create(tmp))) {
                List<Condition> conditions = d.testConnection();
                assertThat(conditions).extracting(Condition::type).containsExactlyInAnyOrder("ConnectionAuthFailed", "ConnectionTestSucceeded");
                assertThat(conditions).allSatisfy(c -> assertThat(c.message()).doesNotContain("sa-token-secret"));
            }
        }
    }

    @Test
    void badProviderSettingsAreNamedBeforeConnecting() {
        Map<String, String> secret = new HashMap<>();
        ProviderConfig noToken = new ProviderConfig("u", "ns", "n", "openshift", "https://api.example:6443", Map.of(), secret);
        assertThat(factory.validate(noToken)).extracting(Condition::type, Condition::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("SecretNotValid", "secret: key 'token' is required when url is set"));
        ProviderConfig badUrl = new ProviderConfig("u", "ns", "n", "openshift", "ftp://api.example", Map.of(), Map.of("token", "t"));
        assertThat(factory.validate(badUrl)).extracting(Condition::type).containsExactly("UrlNotValid");
        ProviderConfig plainHttp = new ProviderConfig("u", "ns", "n", "openshift", "http://api.example:6443", Map.of(), Map.of("token", "t"));
        assertThat(factory.validate(plainHttp)).extracting(Condition::type).containsExactly("UrlNotValid");
        ProviderConfig badTls = new ProviderConfig("u", "ns", "n", "openshift", "https://api.example:6443", Map.of(),
                Map.of("token", "t", "insecureSkipVerify", "yes", "cacert", "not a certificate"));
        assertThat(factory.validate(badTls)).extracting(Condition::type, Condition::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SecretNotValid", "secret: key 'insecureSkipVerify' must be true or false"),
                org.assertj.core.groups.Tuple.tuple("SecretNotValid", "secret: key 'cacert' is not a PEM certificate bundle"));
        assertThat(factory.validate(new ProviderConfig("u", "ns", "n", "openshift", "", Map.of(), Map.of()))).isEmpty();
        assertThat(noToken.toString()).doesNotContain("secret-value");
    }
}
