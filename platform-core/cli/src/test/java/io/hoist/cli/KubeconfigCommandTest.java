package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoist kubeconfig} merges a context into an existing kubeconfig, which the real kubectl then reads. */
class KubeconfigCommandTest {
    @TempDir
    Path dir;

    @Test
    void mergesKeepingOtherEntriesAndKubectlReadsIt() throws Exception {
        Path config = dir.resolve("config");
        Files.writeString(config, """
                apiVersion: v1
                kind: Config
                clusters: [{name: prod, cluster: {server: "https://prod.example:6443"}}]
                users: [{name: prod, user: {token: prod-token}}]
                contexts: [{name: prod, context: {cluster: prod, user: prod}}]
                current-context: prod
                """);
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        CliHarness cli = new CliHarness(Map.of("KUBECONFIG", config.toString()));
        CliHarness.Result r = cli.run("kubeconfig", "--server", "https://127.0.0.1:8443", "--token", "hoist-token-1",
                "--cacert", ca.toString(), "-n", "demo");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("context 'hoist' for https://127.0.0.1:8443 written to " + config + "\n");
        assertThat(r.err()).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");

        // again with a new token: replaced, not duplicated
        assertThat(cli.run("kubeconfig", "--server", "https://127.0.0.1:8443", "--token", "hoist-token-2",
                "--cacert", ca.toString(), "-n", "demo").code()).isZero();

        JsonNode view = new ObjectMapper().readTree(kubectl(config, "config", "view", "--raw", "-o", "json"));
        assertThat(view.get("current-context").asText()).isEqualTo("hoist");
        assertThat(view.get("clusters")).hasSize(2);
        assertThat(view.get("users")).hasSize(2);
        for (JsonNode u : view.get("users")) {
            if (u.get("name").asText().equals("hoist")) {
                assertThat(u.at("/user/token").asText()).isEqualTo("hoist-token-2");
            } else {
                assertThat(u.at("/user/token").asText()).isEqualTo("prod-token");
            }
        }
        for (JsonNode c : view.get("clusters")) {
            if (c.get("name").asText().equals("hoist")) {
                assertThat(new String(Base64.getDecoder().decode(c.at("/cluster/certificate-authority-data").asText()),
                        StandardCharsets.US_ASCII)).isEqualTo(Files.readString(ca));
                assertThat(c.at("/cluster/server").asText()).isEqualTo("https://127.0.0.1:8443");
            }
        }
        assertThat(kubectl(config, "config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}"))
                .isEqualTo("demo");
    }

    @Test
    void plainHttpIsWrittenWithAWarningAndBrokenFilesAreLeftAlone() throws Exception {
        Path config = dir.resolve("kube.yaml");
        CliHarness cli = new CliHarness(Map.of());
        CliHarness.Result r = cli.run("kubeconfig", "--kubeconfig", config.toString(), "--server", "http://127.0.0.1:8080",
                "--token", "t");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("kubectl never sends a token over http");
        Files.writeString(config, "- not\n- a mapping\n");
        CliHarness.Result broken = cli.run("kubeconfig", "--kubeconfig", config.toString(), "--server", "https://h:1",
                "--token", "t");
        assertThat(broken.code()).isNotZero();
        assertThat(broken.err()).contains("not a kubeconfig");
        assertThat(Files.readString(config)).isEqualTo("- not\n- a mapping\n");
    }

    /**
     * Issue 19 item 2: a server with the CA it generated in its data dir (hoist serve's default), then only
     * {@code hoist kubeconfig --data-dir}: kubectl verifies the certificate with the embedded CA and sends the token.
     */
    @Test
    void aLocalServersGeneratedCaIsEmbeddedAndKubectlWorksOverVerifiedTls() throws Exception {
        Path data = dir.resolve("data");
        try (io.hoist.core.server.HoistServer server = io.hoist.core.server.HoistServer.builder().dataDir(data).port(0)
                .generatedTls(List.of()).build().start()) {
            Path config = dir.resolve("kube.yaml");
            CliHarness.Result r = new CliHarness(Map.of()).run("kubeconfig", "--data-dir", data.toString(),
                    "--kubeconfig", config.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty(); // no plain-http warning
            JsonNode view = new ObjectMapper().readTree(kubectl(config, "config", "view", "--raw", "-o", "json"));
            JsonNode cluster = view.at("/clusters/0/cluster");
            assertThat(cluster.path("server").asText()).isEqualTo(server.url()).startsWith("https://");
            assertThat(cluster.has("insecure-skip-tls-verify")).isFalse();
            assertThat(new String(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()),
                    StandardCharsets.US_ASCII)).isEqualTo(Files.readString(data.resolve("tls/ca.crt")));
            assertThat(kubectl(config, "get", "plans", "-A")).contains("No resources found");
            assertThat(kubectl(config, "auth", "can-i", "create", "plans.forklift.konveyor.io").trim()).isEqualTo("yes");
        }
    }

    private String kubectl(Path config, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig=" + config));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
