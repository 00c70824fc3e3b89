package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoist serve} as its own process, then client commands finding it through the data dir. */
class ServeCommandTest {
    @TempDir
    Path data;
    @TempDir
    Path builtin;

    @Test
    void servesWritesServerJsonAndStopsOnSigterm() throws Exception {
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dhoist.plugins.dir=" + builtin,
                "io.hoist.cli.Main", "serve", "--data-dir", data.toString(), "--port", "0")
                .redirectErrorStream(true).redirectOutput(data.resolve("serve.log").toFile()).start();
        try {
            Path info = data.resolve("server.json");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(info) && serve.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(info).as(Files.exists(data.resolve("serve.log")) ? Files.readString(data.resolve("serve.log")) : "").exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(info))).isEqualTo("rw-------");
            JsonNode json = new ObjectMapper().readTree(info.toFile());
            assertThat(json.get("url").asText()).startsWith("http://127.0.0.1:");
            assertThat(json.get("pid").asLong()).isEqualTo(serve.pid());

            CliHarness cli = new CliHarness(Map.of());
            CliHarness.Result get = cli.run("get", "plans", "--data-dir", data.toString(), "-n", "demo");
            assertThat(get.code()).isZero();
            assertThat(get.err()).isEqualTo("No plans found in namespace demo.\n");
            CliHarness.Result plugins = cli.run("plugins", "--data-dir", data.toString());
            assertThat(plugins.code()).isZero();

            // MtvAdmission (the real one) answers a bad manifest with causes
            CliHarness.Result bad = cli.runWithStdin("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: p}
                    spec: {warm: maybe}
                    """, "apply", "-f", "-", "--data-dir", data.toString(), "-n", "demo");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).startsWith("error: plan/p: ").contains("spec.");
        } finally {
            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(data.resolve("server.json")).doesNotExist();
        assertThat(Files.readString(data.resolve("serve.log"))).contains("hoist serving on http://127.0.0.1:");
    }

    @Test
    void portInUseIsOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliHarness.Result r = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(),
                    "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: server failed to start: ").contains("in use");
            assertThat(r.err().lines()).hasSize(1);
        }
    }

    @Test
    void refusesNonLoopbackWithoutTlsInOneLine() {
        CliHarness.Result r = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--bind", "0.0.0.0", "--port", "0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: --bind 0.0.0.0 is not a loopback address: serving beyond this machine"
                + " requires TLS (--tls-cert and --tls-key)\n");
    }
}
