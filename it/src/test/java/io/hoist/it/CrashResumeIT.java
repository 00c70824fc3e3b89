package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.cli.client.Connection;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the whole platform: a child JVM runs {@code hoist serve} and is killed with
 * SIGKILL at seeded random moments of a 4-VM OVA migration (at most ten times), then restarted until
 * the migration ends. Every target disk must equal its source byte for byte and every source VM must
 * have exactly one target VM.
 */
class CrashResumeIT {
    static final int VMS = 4;
    static final long SEED = 20261126L;

    @Test
    void migrationSurvivesRepeatedKillNine(@TempDir Path tmp) throws Exception {
        Path ovaDir = Files.createDirectories(tmp.resolve("ova"));
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path data = tmp.resolve("data");
        List<String> names = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            String name = "crash-vm-" + i;
            Path ova = Appliances.build(ovaDir, name, 40, SEED + i, String.format("00:50:56:8a:10:%02x", i));
            names.add(name);
            expected.add(Appliances.rawSha256(ova, name, tmp.resolve("work")));
        }
        int port = freePort();
        Child child = Child.start(data, port);
        try { // the child is killed however this ends (a timeout too), never left running
            ApiClient api = child.client();
            String ns = "crash";
            MigrationSetup.ovaToFolder(api, ns, ovaDir, target, "crash", names);

            Random random = new Random(SEED);
            int kills = 0;
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (true) {
                if (kills < 10) {
                    Thread.sleep(300 + random.nextInt(2500));
                } else {
                    Thread.sleep(1000);
                }
                JsonNode plan = tryGet(child, ns);
                if (plan != null && (isTrue(plan, "Succeeded") || isTrue(plan, "Failed"))) {
                    break;
                }
                if (kills < 10) {
                    child.kill();
                    kills++;
                    child = Child.start(data, port);
                }
                assertThat(System.nanoTime()).as("migration did not end in time").isLessThan(deadline);
            }
            System.out.println("CrashResumeIT: killed the platform " + kills + " times");
            JsonNode plan = child.client().get(ResourceKind.PLAN, ns, "crash");
            assertThat(isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            assertThat(kills).isGreaterThan(0);
            try (Stream<Path> dirs = Files.list(target.resolve("migrated"))) {
                assertThat(dirs.count()).as("one target VM per source VM").isEqualTo(VMS);
            }
            for (int i = 0; i < VMS; i++) {
                Path vmDir = target.resolve("migrated").resolve(names.get(i));
                try (Stream<Path> files = Files.list(vmDir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().startsWith("virtualmachine")).count()).isEqualTo(1);
                }
                Path image = Appliances.onlyDiskImage(vmDir);
                assertThat(image).as("the disk image of " + names.get(i)).isNotNull();
                assertThat(Appliances.sha256(image)).as(names.get(i)).isEqualTo(expected.get(i));
            }
        } finally {
            child.kill();
        }
    }

    static List<JsonNode> items(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        (list.isArray() ? list : list.path("items")).forEach(out::add);
        return out;
    }

    static JsonNode tryGet(Child child, String ns) {
        try {
            return child.client().get(ResourceKind.PLAN, ns, "crash");
        } catch (RuntimeException | IOException e) {
            return null; // the child is still starting
        }
    }

    static boolean isTrue(JsonNode o, String type) {
        for (JsonNode c : o.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    static JsonNode waitTrue(ApiClient api, ResourceKind kind, String ns, String name, String condition, int seconds)
            throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode o = api.get(kind, ns, name);
            if (isTrue(o, condition)) {
                return o;
            }
            assertThat(System.nanoTime()).as(kind.kind() + " " + name + " " + condition + ": " + o.path("status")).isLessThan(end);
            Thread.sleep(300);
        }
    }

    /** Creates the manifests' objects in {@code ns}, which is created first when missing (as a Namespace document is). */
    static void apply(ApiClient api, String ns, String yaml) {
        api.ensureNamespace(ns);
        for (ObjectNode o : Manifests.parse(yaml)) {
            if (o.path("kind").asText().equals("Namespace")) {
                api.ensureNamespace(o.at("/metadata/name").asText());
                continue;
            }
            api.create(ResourceKind.byKind(o.path("kind").asText()).orElseThrow(), ns, o);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A child JVM running {@code hoist serve} on the shared data dir. */
    record Child(Process process, Path data, String host, int port) {
        static Child start(Path data, int port) throws Exception {
            return start(data, port, java.util.Map.of());
        }

        /** With extra environment variables for the child (e.g. a PATH with test tools first). */
        static Child start(Path data, int port, java.util.Map<String, String> env) throws Exception {
            return start(data, port, env, List.of());
        }

        /** With extra {@code hoist serve} options (e.g. a shared store and a cluster). */
        static Child start(Path data, int port, java.util.Map<String, String> env, List<String> serveOptions) throws Exception {
            return start(List.of(), "127.0.0.1", data, port, env, serveOptions);
        }

        /**
         * Run through {@code prefix} (e.g. {@code ip netns exec NAME}), serving on {@code host}: plain http on
         * 127.0.0.1, else https bound to {@code host} with a generated certificate naming it (DATA/tls/ca.crt).
         */
        static Child start(List<String> prefix, String host, Path data, int port, java.util.Map<String, String> env,
                           List<String> serveOptions) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.createDirectories(data);
            ProcessBuilder pb = new ProcessBuilder(new java.util.ArrayList<>(prefix));
            pb.command().addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Dhoist.plugins.dir=" + System.getProperty("hoist.plugins.dir"),
                    "-cp", System.getProperty("java.class.path"), "io.hoist.cli.Main", "serve",
                    // plain http: these ITs are about migrations, and the console e2e's browser and the hooks' CLI
                    // talk to it as they did; the default (https with DATA/tls/ca.crt) is ServeCommandTest's and
                    // KubectlConformanceTest's subject
                    "--data-dir", data.toString(), "--port", Integer.toString(port)));
            pb.command().addAll(loopback(host) ? List.of("--plain-http") : List.of("--bind", host, "--tls-san", host));
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("child.log").toFile()));
            pb.command().addAll(serveOptions);
            pb.environment().putAll(env);
            Child c = new Child(pb.start(), data, host, port);
            // minutes, ending as soon as it answers: on a loaded 2-core machine a fresh JVM took over 60 s to listen
            long end = System.nanoTime() + 300_000_000_000L;
            while (true) {
                try {
                    c.client().list(ResourceKind.PLAN, "crash");
                    return c;
                } catch (RuntimeException | IOException e) {
                    if (!c.process.isAlive() || System.nanoTime() > end) {
                        String log = Files.readString(data.resolve("child.log"));
                        throw new AssertionError("child platform did not start (alive=" + c.process.isAlive() + "); its log ends:\n"
                                + log.substring(Math.max(0, log.length() - 3000)), e);
                    }
                    Thread.sleep(200);
                }
            }
        }

        ApiClient client() throws IOException {
            String token = Files.readString(data.resolve("token")).trim();
            return loopback(host) ? new ApiClient(new Connection("http://" + host + ":" + port, token, null, false))
                    : new ApiClient(new Connection("https://" + host + ":" + port, token, data.resolve("tls/ca.crt"), false));
        }

        private static boolean loopback(String host) {
            return host.equals("127.0.0.1");
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
            process.waitFor();
        }

        /** SIGTERM, as a service manager stops it: waits up to 2 minutes for a clean exit. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("hoist serve in " + data + " did not stop within 2 minutes of SIGTERM");
            }
        }
    }
}
