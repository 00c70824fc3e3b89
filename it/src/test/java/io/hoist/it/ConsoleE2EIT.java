package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.waitForVm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.vsphere.testsupport.CbtSoapReplayTestServer;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end in a real browser: this test starts the platform ({@code hoist serve} in a child
 * JVM, reading its one-time login link from what it prints), the vCenter simulator with a warm plan running,
 * and two OVA appliances (one made Critical by a custom validation rule), then runs
 * {@code console/e2e/console.e2e.mjs} — Playwright (playwright-core) driving Debian's Chromium headless.
 * Screenshots of every page land in {@code it/target/console-screenshots}.
 */
class ConsoleE2EIT {
    static final String WARM_NS = "console-warm";
    static final Pattern LINK = Pattern.compile("one-time login link, valid 15 minutes: (\\S+)\\)");

    @Test
    void theConsoleDrivesAMigrationInChromium(@TempDir Path tmp) throws Exception {
        Path chromium = Path.of(System.getProperty("hoist.chromium", "/usr/bin/chromium"));
        assertThat(chromium).as("Debian's chromium (./test.sh installs it)").isExecutable();
        Path repo = Path.of(System.getProperty("hoist.repo.root"));
        Path console = repo.resolve("console");
        assertThat(console.resolve("node_modules/playwright-core")).as("npm ci ran in console/ (the Maven build does)").exists();
        // The plugins the scenarios use, loaded from dist/plugins: a stale or missing jar would only show as a plan
        // that never becomes Ready, minutes later.
        Path plugins = Path.of(System.getProperty("hoist.plugins.dir"));
        for (String plugin : List.of("ova", "kubevirt", "vsphere", "hooks-ansible")) {
            try (var jars = Files.list(plugins)) {
                assertThat(jars.map(j -> j.getFileName().toString()).filter(j -> j.startsWith("hoist-plugin-" + plugin + "-")))
                        .as("the %s plugin in %s: build it in the same reactor (-pl it,plugins/ova,plugins/kubevirt,plugins/hooks-ansible -am)", plugin, plugins)
                        .isNotEmpty();
            }
        }

        Path ovas = Files.createDirectories(tmp.resolve("ova"));
        Appliances.build(ovas, "console-appliance", 16, 21, "00:50:56:8a:02:01");
        Appliances.build(ovas, "critical-appliance", 8, 22, "00:50:56:8a:02:02");
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        // A custom rule (what MTV users drop in as a ConfigMap): VMs named critical-* get a Critical concern.
        Files.createDirectories(data.resolve("rules/ova"));
        Files.writeString(data.resolve("rules/ova/console_e2e.rego"), """
                package io.konveyor.forklift.ova

                import rego.v1

                concerns contains flag("e2e.critical", "Critical", "Marked critical by site policy",
                	"The console test's rule: VMs named critical-* must not be migrated.") if startswith(input.name, "critical-")
                """);

        Path images = Files.createDirectories(tmp.resolve("snapshot-images"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        VsphereWarmMigrationIT.writeNbdkitStandIn(bin.resolve("nbdkit"), VsphereWarmMigrationIT.realNbdkit());
        try (Vcsim vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1", "-cbt");
             CbtSoapReplayTestServer replay = new CbtSoapReplayTestServer(vcsim)) {
            CrashResumeIT.Child child = CrashResumeIT.Child.start(data, CrashResumeIT.freePort(),
                    Map.of("PATH", bin + ":" + System.getenv("PATH"), "HOIST_TEST_SNAPSHOT_DIR", images.toString()));
            try {
                Matcher m = LINK.matcher(Files.readString(data.resolve("child.log")));
                assertThat(m.find()).as("hoist serve prints the console's one-time login link").isTrue();
                String warmPlan = startWarmPlan(child.client(), replay, images, tmp);
                child.client().ensureNamespace("e2e"); // where the browser test creates its objects (console.e2e.mjs NS)
                runBrowser(console, Map.of(
                        "HOIST_URL", "http://127.0.0.1:" + child.port(),
                        "HOIST_LOGIN_LINK", m.group(1),
                        "HOIST_TOKEN", Files.readString(data.resolve("token")).trim(),
                        "HOIST_OVA_URL", "file://" + ovas,
                        "HOIST_TARGET_URL", "file://" + target,
                        "HOIST_WARM_NAMESPACE", WARM_NS,
                        "HOIST_WARM_PLAN", warmPlan,
                        "HOIST_CHROMIUM", chromium.toString(),
                        "HOIST_SCREENSHOTS", repo.resolve("it/target/console-screenshots").toString()), tmp, data.resolve("child.log"));
                assertThat(target.resolve("migrated/console-appliance")).as("the console's plan migrated the VM").isDirectory();
            } finally {
                child.kill();
            }
        }
    }

    /** A warm plan on the vCenter simulator, started through the API: the console schedules its cutover. */
    private static String startWarmPlan(ApiClient api, CbtSoapReplayTestServer replay, Path images, Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("warm-target"));
        apply(api, WARM_NS, """
                apiVersion: v1
                kind: Secret
                metadata: {name: vc-secret, namespace: %1$s}
                type: Opaque
                stringData: {user: "%2$s", password: "%3$s", cacert: "%4$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vcenter, namespace: %1$s}
                spec: {type: vsphere, url: "%5$s", settings: {vddkLibDir: "%6$s"}, secret: {name: vc-secret, namespace: %1$s}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: folder-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%7$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%7$s", secret: {name: folder-secret, namespace: %1$s}}
                """.formatted(WARM_NS, Vcsim.USER, Vcsim.PASSWORD, VsphereColdMigrationIT.json(replay.caPem()),
                replay.url(), Files.createDirectories(tmp.resolve("vddk-lib")), folder));
        String uid = waitTrue(api, ResourceKind.PROVIDER, WARM_NS, "vcenter", "Ready", 120).path("metadata").path("uid").asText();
        JsonNode vm = waitForVm(api, "/providers/vsphere/" + uid, VsphereWarmMigrationIT.VM);
        JsonNode disk = vm.path("disks").get(0);
        int capacity = disk.path("capacity").asInt();
        byte[] content = new byte[capacity];
        new Random(9).nextBytes(content);
        Files.write(images.resolve(vm.path("id").asText() + ".img"), content);
        replay.capacity = capacity;
        replay.changedAreasSince = id -> id.equals("*") ? List.of(new long[] {0, capacity}) : List.of();
        apply(api, WARM_NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%2$s"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%3$s"}, destination: {storageClass: standard}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: warm, namespace: %1$s}
                spec:
                  warm: true
                  targetNamespace: migrated
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %4$s}]
                """.formatted(WARM_NS, vm.path("networks").get(0).path("id").asText(),
                disk.path("datastore").path("id").asText(), vm.path("id").asText()));
        waitTrue(api, ResourceKind.PLAN, WARM_NS, "warm", "Ready", 120);
        apply(api, WARM_NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: warm-run, namespace: %1$s}
                spec: {plan: {name: warm, namespace: %1$s}}
                """.formatted(WARM_NS));
        return "warm";
    }

    private static void runBrowser(Path console, Map<String, String> env, Path tmp, Path platformLog) throws Exception {
        String hold = System.getProperty("hoist.console.e2e.hold");
        if (hold != null && !hold.isBlank()) {
            holdForDebugging(Path.of(hold), env);
        }
        Path log = tmp.resolve("e2e.log");
        ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-concurrency=1", "--test-reporter=spec",
                "e2e/console.e2e.mjs").directory(console.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(20, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log);
        System.out.println(out);
        assertThat(done).as("the browser test finished within 20 minutes:\n" + out).isTrue();
        assertThat(p.exitValue()).as(() -> "console end-to-end test (node --test e2e/console.e2e.mjs):\n" + out
                + "\nthe platform's log, last lines:\n" + tail(platformLog, 80)).isZero();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * For working on the browser test: {@code -Dhoist.console.e2e.hold=FILE} writes the environment to FILE
     * (shell exports) and keeps the platform and the simulator running until FILE is deleted, so
     * {@code . FILE && node --test e2e/console.e2e.mjs} can be run again and again against them.
     */
    private static void holdForDebugging(Path file, Map<String, String> env) throws Exception {
        StringBuilder exports = new StringBuilder();
        env.forEach((k, v) -> exports.append("export ").append(k).append("='").append(v).append("'\n"));
        Files.writeString(file, exports);
        System.out.println("console e2e: holding until " + file + " is deleted");
        while (Files.exists(file)) {
            Thread.sleep(1000);
        }
    }
}
