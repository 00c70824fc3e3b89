package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SourceProvider;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Provider conditions against a real vCenter simulator over TLS with its own CA. */
class VsphereConnectionTest {
    static Vcsim vcsim;
    final HostContextTestDouble host = Hosts.create();
    final VsphereProviderFactory factory = new VsphereProviderFactory();

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "1");
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    static Map<String, String> goodSecret() throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("user", Vcsim.USER);
        s.put("password", Vcsim.PASSWORD);
        s.put("cacert", vcsim.caPem());
        return s;
    }

    static ProviderConfig provider(String url, Map<String, String> secret, Map<String, String> settings) {
        return new ProviderConfig("uid-1", "ns", "vc", "vsphere", url, settings, secret);
    }

    private List<Condition> test(String url, Map<String, String> secret) {
        try (SourceProvider p = factory.create(provider(url, secret, Map.of()), host)) {
            return p.testConnection();
        }
    }

    private static Condition cond(List<Condition> cs, String type) {
        return cs.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow(
                () -> new AssertionError("no " + type + " in " + cs));
    }

    @Test
    void rightCaAndPasswordSucceed() throws Exception {
        List<Condition> cs = test(vcsim.url, goodSecret());
        assertThat(cond(cs, "ConnectionTestSucceeded").status()).isEqualTo("True");
        assertThat(cond(cs, "ConnectionTestSucceeded").message()).contains("vCenter");
    }

    @Test
    void wrongPasswordIsConnectionAuthFailed() throws Exception {
        Map<String, String> s = goodSecret();
        s.put("password", "not-the-password-42");
        List<Condition> cs = test(vcsim.url, s);
        assertThat(cond(cs, "ConnectionTestSucceeded").status()).isEqualTo("False");
        assertThat(cond(cs, "ConnectionTestSucceeded").reason()).isEqualTo("ConnectionAuthFailed");
        assertThat(cond(cs, "ConnectionAuthFailed").message()).contains("wrong user or password")
                .doesNotContain("not-the-password-42");
    }

    @Test
    void wrongCaFailsVerification() throws Exception {
        Map<String, String> s = goodSecret();
        s.put("cacert", vcsim.unrelatedCaPem());
        List<Condition> cs = test(vcsim.url, s);
        assertThat(cond(cs, "ConnectionTestSucceeded").status()).isEqualTo("False");
        assertThat(cond(cs, "ConnectionTestSucceeded").reason()).isEqualTo("TLSVerificationFailed");
        assertThat(cond(cs, "ConnectionTestSucceeded").message()).contains("not signed by the CA in the Secret");
    }

    @Test
    void noCaMeansTheDefaultTrustStoreWhichDoesNotKnowTheSimulator() throws Exception {
        Map<String, String> s = goodSecret();
        s.remove("cacert");
        List<Condition> cs = test(vcsim.url, s);
        assertThat(cond(cs, "ConnectionTestSucceeded").reason()).isEqualTo("TLSVerificationFailed");
        assertThat(cond(cs, "ConnectionTestSucceeded").message()).contains("insecureSkipVerify");
    }

    @Test
    void thumbprintPinsTheCertificate() throws Exception {
        Map<String, String> s = goodSecret();
        s.remove("cacert");
        s.put("thumbprint", vcsim.thumbprint);
        assertThat(cond(test(vcsim.url, s), "ConnectionTestSucceeded").status()).isEqualTo("True");
        s.put("thumbprint", "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33");
        assertThat(cond(test(vcsim.url, s), "ConnectionTestSucceeded").reason()).isEqualTo("TLSVerificationFailed");
    }

    @Test
    void insecureSkipVerifyAppliesToThatProviderOnly() throws Exception {
        SSLSocketFactory jvmDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        Map<String, String> insecure = goodSecret();
        insecure.remove("cacert");
        insecure.put("insecureSkipVerify", "true");
        assertThat(cond(test(vcsim.url, insecure), "ConnectionTestSucceeded").status()).isEqualTo("True");
        // another provider in the same JVM, with a wrong CA, is still refused
        Map<String, String> wrong = goodSecret();
        wrong.put("cacert", vcsim.unrelatedCaPem());
        assertThat(cond(test(vcsim.url, wrong), "ConnectionTestSucceeded").reason()).isEqualTo("TLSVerificationFailed");
        assertThat(HttpsURLConnection.getDefaultSSLSocketFactory()).isSameAs(jvmDefault);
    }

    @Test
    void malformedUrlIsUrlNotValid() throws Exception {
        for (String url : List.of("vcenter.example.com/sdk", "http://127.0.0.1/sdk", "https:///sdk", "https://h/api",
                "https://user:pw@h/sdk")) {
            List<Condition> cs = test(url, goodSecret());
            assertThat(cond(cs, "ConnectionTestSucceeded").reason()).as(url).isEqualTo("UrlNotValid");
            assertThat(cond(cs, "UrlNotValid").message()).as(url).startsWith("spec.url").doesNotContain("pw@");
        }
    }

    @Test
    void missingOrMalformedSecretKeysAreSecretNotValid() throws Exception {
        Map<String, String> s = goodSecret();
        s.remove("password");
        s.put("cacert", "not a certificate");
        s.put("insecureSkipVerify", "yes");
        List<Condition> cs = test(vcsim.url, s);
        assertThat(cond(cs, "ConnectionTestSucceeded").reason()).isEqualTo("SecretNotValid");
        assertThat(cond(cs, "SecretNotValid").message()).contains("'password' is missing", "'cacert' is not a PEM",
                "'insecureSkipVerify' must be true or false");
        assertThat(factory.validate(provider(vcsim.url, s, Map.of()))).extracting(Condition::type)
                .containsExactly("SecretNotValid");
    }

    @Test
    void caCrtKeyIsAcceptedLikeCacert() throws Exception {
        Map<String, String> s = goodSecret();
        s.put("ca.crt", s.remove("cacert"));
        assertThat(cond(test(vcsim.url, s), "ConnectionTestSucceeded").status()).isEqualTo("True");
    }

    @Test
    void esxiEndpointAgainstVcenterIsFlagged() throws Exception {
        try (SourceProvider p = factory.create(provider(vcsim.url, goodSecret(), Map.of("sdkEndpoint", "esxi")), host)) {
            assertThat(cond(p.testConnection(), "SdkEndpointMismatch").message()).contains("is a vCenter");
        }
    }

    @Test
    void credentialsNeverReachLogsOrToString() throws Exception {
        Map<String, String> s = goodSecret();
        s.put("password", "wrong-" + Vcsim.PASSWORD);
        test(vcsim.url, s);
        test(vcsim.url, goodSecret());
        ProviderConfig pc = provider(vcsim.url, goodSecret(), Map.of());
        assertThat(pc.toString()).doesNotContain(Vcsim.PASSWORD);
        assertThat(VsphereConfig.of(pc).toString()).doesNotContain(Vcsim.PASSWORD);
        assertThat(String.join("\n", host.logLines)).doesNotContain(Vcsim.PASSWORD);
    }
}
