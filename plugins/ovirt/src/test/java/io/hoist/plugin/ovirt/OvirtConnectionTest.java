package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.tls.SelfSignedTestCertificate;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ConnectionTestSucceeded against the test engine over HTTPS with SSO: each failure has its own reason, no secret leaks. */
class OvirtConnectionTest {
    static OvirtEngineTestServer engine;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static List<Condition> test(HostContextTestDouble host, ProviderConfig p) {
        try (OvirtSource s = new OvirtSource(p, host)) {
            return s.testConnection();
        }
    }

    private static Condition connection(List<Condition> cs) {
        return cs.stream().filter(c -> c.type().equals("ConnectionTestSucceeded")).findFirst().orElseThrow();
    }

    @Test
    void rightCredentialsAndCaConnect() {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        Condition c = connection(test(host, OvirtTestHosts.provider(engine, Map.of())));
        assertThat(c.status()).isEqualTo("True");
        assertThat(c.message()).contains("oVirt Engine 4.4.10-test").contains(OvirtEngineTestServer.USER);
    }

    @Test
    void eachFailureHasItsOwnReasonAndNoSecret() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        Map<String, String> reasons = new HashMap<>();
        reasons.put("wrong password", connection(test(host, OvirtTestHosts.provider(engine, Map.of("password", "not-the-password-42")))).reason());
        reasons.put("wrong CA", connection(test(host, OvirtTestHosts.provider(engine, Map.of("cacert", SelfSignedTestCertificate.create().caPem)))).reason());
        reasons.put("no CA", connection(test(host, OvirtTestHosts.provider(engine, new HashMap<>() {{ put("cacert", null); }})))
                .reason());
        ProviderConfig bad = OvirtTestHosts.provider(engine, Map.of());
        reasons.put("malformed URL", connection(test(host, new ProviderConfig(bad.uid(), "ns", "engine", "ovirt",
                "https://127.0.0.1:" + 1 + "/api", Map.of(), bad.secret()))).reason());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        reasons.put("unreachable", connection(test(host, new ProviderConfig(bad.uid(), "ns", "engine", "ovirt",
                "https://127.0.0.1:" + closed + "/ovirt-engine/api", Map.of(), bad.secret()))).reason());
        assertThat(reasons).containsEntry("wrong password", "ConnectionAuthFailed")
                .containsEntry("wrong CA", "TLSVerificationFailed")
                .containsEntry("no CA", "TLSVerificationFailed")
                .containsEntry("malformed URL", "UrlNotValid")
                .containsEntry("unreachable", "ConnectionFailed");
        assertThat(String.join("\n", host.logLines)).doesNotContain(OvirtEngineTestServer.PASSWORD).doesNotContain("not-the-password-42");
    }

    @Test
    void insecureSkipVerifyTrustsThisProviderOnly() {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        Map<String, String> insecure = new HashMap<>();
        insecure.put("cacert", null);
        insecure.put("insecureSkipVerify", "true");
        assertThat(connection(test(host, OvirtTestHosts.provider(engine, insecure))).status()).isEqualTo("True");
        // another provider without CA on the same host services still verifies
        Map<String, String> noCa = new HashMap<>();
        noCa.put("cacert", null);
        assertThat(connection(test(host, OvirtTestHosts.provider(engine, noCa))).reason()).isEqualTo("TLSVerificationFailed");
    }

    @Test
    void staticChecksNameTheField() {
        ProviderConfig p = new ProviderConfig("u", "ns", "e", "ovirt", "http://engine/ovirt-engine/api", Map.of(),
                Map.of("user", "admin", "insecureSkipVerify", "maybe", "cacert", "not a pem"));
        List<Condition> cs = OvirtConfig.validate(p);
        assertThat(cs).extracting(Condition::type).containsExactly("UrlNotValid", "SecretNotValid");
        assertThat(cs.get(0).message()).contains("spec.url").contains("https");
        assertThat(cs.get(1).message()).contains("'user'").contains("'password'").contains("'insecureSkipVerify'").contains("'cacert'");
    }
}
