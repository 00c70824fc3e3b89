package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
            // https by default, with the CA made in DATA/tls (which the CLI below trusts on its own)
            assertThat(json.get("url").asText()).startsWith("https://127.0.0.1:");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls/tls.key")))).isEqualTo("rw-------");
            assertThat(json.get("pid").asLong()).isEqualTo(serve.pid());

            CliHarness cli = new CliHarness(Map.of());
            CliHarness.Result get = cli.run("get", "plans", "--data-dir", data.toString(), "-n", "demo");
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(get.err()).isEqualTo("No plans found in namespace demo.\n");
            CliHarness.Result plugins = cli.run("plugins", "--data-dir", data.toString());
            assertThat(plugins.code()).isZero();

            // objects go only into a namespace that exists
            CliHarness.Result refused = cli.runWithStdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
                    "apply", "-f", "-", "--data-dir", data.toString(), "-n", "demo");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("namespaces \"demo\" not found");
            CliHarness.Result created = cli.run("create", "namespace", "demo", "--data-dir", data.toString());
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).isEqualTo("namespace/demo created\n");
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
        assertThat(Files.readString(data.resolve("serve.log"))).contains("hoist serving on https://127.0.0.1:",
                "tls: certificate by the Hoist CA in " + data.resolve("tls/ca.crt").toAbsolutePath() + " (new)");
    }

    /**
     * Issue 20 item 3: SIGTERM (what systemd, Kubernetes and the quick start send) to a serving process with objects
     * under reconciliation ends it with exit code 0 and one line, no stack trace or warning on the way.
     */
    @Test
    void sigtermDrainsAndExitsZeroWithOneLine() throws Exception {
        Path log = data.resolve("serve.log");
        // started as ./hoist starts it (--enable-native-access: SQLite's native library)
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "-Dhoist.plugins.dir=" + builtin,
                "io.hoist.cli.Main", "serve", "--data-dir", data.toString(), "--port", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(data.resolve("server.json")) && serve.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(data.resolve("server.json")).as(Files.exists(log) ? Files.readString(log) : "").exists();
            // work for the engine: a provider no plugin serves here and a plan that uses it, reconciled in a loop
            CliHarness.Result applied = new CliHarness(Map.of()).runWithStdin("""
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: demo}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: creds}
                    stringData: {user: u, password: p}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Provider
                    metadata: {name: src}
                    spec: {type: vsphere, url: "https://vcenter.invalid/sdk", secret: {name: creds, namespace: demo}}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: p}
                    spec:
                      targetNamespace: t
                      provider: {source: {name: src, namespace: demo}, destination: {name: host, namespace: demo}}
                      map: {network: {name: n, namespace: demo}, storage: {name: s, namespace: demo}}
                      vms: [{id: vm-1}]
                    """, "apply", "-f", "-", "--data-dir", data.toString(), "-n", "demo");
            assertThat(applied.code()).as(applied.err()).isZero();
            Thread.sleep(1_000);
        } finally {
            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String out = Files.readString(log);
        assertThat(serve.exitValue()).as(out).isZero();
        assertThat(out).as("output after SIGTERM").doesNotContain("Exception").doesNotContain("\tat ")
                .doesNotContain("WARN").doesNotContain("ERROR");
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines.get(lines.size() - 1)).matches("hoist stopped on SIGTERM in \\d+ ms");
        assertThat(lines.stream().filter(l -> l.startsWith("hoist stopped"))).hasSize(1);
        assertThat(data.resolve("server.json")).doesNotExist();
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
        CliHarness.Result r = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--bind", "0.0.0.0",
                "--port", "0", "--plain-http");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: --bind 0.0.0.0 is not a loopback address: serving beyond this machine"
                + " requires TLS (hoist serve's default without --plain-http, or --tls-cert and --tls-key)\n");
    }

    @Test
    void refusesAClusterWithoutASharedStoreOrWithBadClusterOptions() {
        CliHarness.Result noStore = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--port", "0",
                "--cluster");
        assertThat(noStore.code()).isEqualTo(1);
        assertThat(noStore.err()).startsWith("error: --cluster needs --store postgresql://");
        CliHarness.Result badMember = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--port", "0",
                "--store", "postgresql://hoist@127.0.0.1:5432/hoist", "--cluster", "--cluster-members", "10.0.0.1");
        assertThat(badMember.code()).isEqualTo(1);
        assertThat(badMember.err()).isEqualTo("error: --cluster-members: '10.0.0.1' is not host:port\n");
        CliHarness.Result badLabel = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--port", "0",
                "--store", "postgresql://hoist@127.0.0.1:5432/hoist", "--cluster", "--node-labels", "zone=a,=b");
        assertThat(badLabel.code()).isEqualTo(1);
        assertThat(badLabel.err()).isEqualTo("error: --node-labels: '=b' is not key=value\n");
        CliHarness.Result labelsAlone = new CliHarness(Map.of()).run("serve", "--data-dir", data.toString(), "--port", "0",
                "--node-labels", "zone=a");
        assertThat(labelsAlone.code()).isEqualTo(1);
        assertThat(labelsAlone.err()).contains("need --cluster");
        assertThat(data.resolve("hoist.db")).as("nothing opened").doesNotExist();
    }
}
