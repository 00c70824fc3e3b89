package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/ovirt/} applied unchanged to the whole platform (a child JVM running {@code hoist serve}) shows the
 * oVirt Provider Ready against the test engine. The example names {@code https://engine.example.com/ovirt-engine/api}
 * (port 443), {@code admin@internal} / {@code change-me} and no {@code cacert} (so the JDK's trusted CAs): the test
 * engine listens on port 443 of a loopback address of its own, the child resolves {@code engine.example.com} there
 * through a hosts file ({@code jdk.net.hosts.file}), and its JDK trust store holds the test engine's CA, whose
 * certificate names {@code engine.example.com}. Nothing in the example files is changed; TLS verification stays on.
 */
class OvirtExamplesIT {
    static final String NS = "hoist"; // the examples' namespace
    static final String HOST = "engine.example.com";

    @Test
    void theOvirtExampleShowsReadyAgainstTheTestEngine(@TempDir Path tmp) throws Exception {
        Path examples = Path.of(System.getProperty("hoist.repo.root"), "examples", "ovirt");
        InetAddress loopback = uniqueLoopback();
        OvirtEngineTestServer engine;
        try {
            engine = new OvirtEngineTestServer(Path.of(System.getProperty("hoist.shared.dir"), "fixtures", "ovirt", "recorded"),
                    new InetSocketAddress(loopback, 443), HOST);
        } catch (BindException e) {
            throw new AssertionError("the example's engine URL has no port, so the test engine must listen on port 443 of "
                    + loopback.getHostAddress() + " (root or CAP_NET_BIND_SERVICE, as CI and the dev machines have): " + e, e);
        }
        try (engine) {
            String password = secretValue(examples.resolve("10-secret.yaml"), "password");
            engine.acceptCredentials("admin@internal", password);

            Path hosts = tmp.resolve("hosts");
            Files.writeString(hosts, loopback.getHostAddress() + " " + HOST + "\n127.0.0.1 localhost "
                    + InetAddress.getLocalHost().getHostName() + "\n");
            Path trust = trustStore(tmp.resolve("trust.p12"), engine.tls.caPem);
            String jvm = "-Djdk.net.hosts.file=" + hosts + " -Djavax.net.ssl.trustStore=" + trust
                    + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12";
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort(),
                    Map.of("JAVA_TOOL_OPTIONS", jvm));
            try {
                ApiClient api = child.client();
                try (Stream<Path> files = Files.list(examples)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                        apply(api, NS, Files.readString(f));
                    }
                }
                JsonNode provider = waitTrue(api, ResourceKind.PROVIDER, NS, "ovirt", "Ready", 180);
                assertThat(conditionMessage(provider, "ConnectionTestSucceeded")).contains(HOST).contains("admin@internal");
                String uid = provider.path("metadata").path("uid").asText();
                List<JsonNode> vms = VsphereColdMigrationIT.collected(api, "/providers/ovirt/" + uid + "/vms");
                assertThat(vms).extracting(v -> v.path("name").asText()).contains("vm_on", "vm_off");
                assertThat(engine.requests).as("the engine was reached by the example's name and credentials")
                        .anyMatch(r -> r.startsWith("POST /ovirt-engine/sso/oauth/token"));
                assertThat(provider.toString()).doesNotContain(password);
                assertThat(Files.readString(tmp.resolve("data/child.log"))).doesNotContain(password);
                // the whole set was admitted as written (the destination "host" is the cluster the platform runs in)
                for (ResourceKind kind : List.of(ResourceKind.SECRET, ResourceKind.NETWORK_MAP, ResourceKind.STORAGE_MAP,
                        ResourceKind.HOOK, ResourceKind.PLAN, ResourceKind.MIGRATION)) {
                    assertThat(api.list(kind, NS)).as(kind.kind()).isNotEmpty();
                }
            } finally {
                child.kill();
            }
        }
    }

    /** 127.x.y.z other than 127.0.0.1: port 443 there is the test's alone, whatever else runs on the machine. */
    static InetAddress uniqueLoopback() throws Exception {
        SecureRandom r = new SecureRandom();
        return InetAddress.getByAddress(new byte[] {127, (byte) (1 + r.nextInt(254)), (byte) (1 + r.nextInt(254)),
                (byte) (1 + r.nextInt(254))});
    }

    static String secretValue(Path secretYaml, String key) throws Exception {
        for (String line : Files.readAllLines(secretYaml)) {
            String t = line.trim();
            if (t.startsWith(key + ":")) {
                return t.substring(key.length() + 1).trim().replace("\"", "");
            }
        }
        throw new AssertionError(secretYaml + " has no " + key);
    }

    static Path trustStore(Path file, String caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test-engine-ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, "changeit".toCharArray());
        }
        return file;
    }

    static String conditionMessage(JsonNode o, String type) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("message").asText();
            }
        }
        return "";
    }
}
