package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.waitForPowerState;
import static io.hoist.it.VsphereColdMigrationIT.waitForVm;
import static io.hoist.it.VsphereColdMigrationIT.waitTrueOrFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.vsphere.testsupport.CbtSoapReplayTestServer;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm vSphere migration through the whole platform: the initial precopy while the VM runs, a change,
 * cutover, the final delta (only the changed area). Source: govmomi's vCenter simulator (real snapshots) behind the plugin's
 * {@link CbtSoapReplayTestServer} (vcsim has no QueryChangedDiskAreas). VDDK cannot be had here, so the
 * child platform finds a test double first on its PATH: an {@code nbdkit} script that runs the real nbdkit
 * with its file plugin in the vddk plugin's place, serving the test's image of the VM's disk (and logging
 * the vddk arguments it was given).
 */
class VsphereWarmMigrationIT {
    static final String NS = "vsphere-warm";
    static final String VM = "DC0_H0_VM0";

    @Test
    void warmMigrationCopiesChangesBetweenPrecopiesAndCutsOver(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path images = Files.createDirectories(tmp.resolve("snapshot-images"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path vddkLib = Files.createDirectories(tmp.resolve("vddk-lib"));
        writeNbdkitStandIn(bin.resolve("nbdkit"), realNbdkit());
        try (Vcsim vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1", "-cbt");
             CbtSoapReplayTestServer replay = new CbtSoapReplayTestServer(vcsim)) {
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort(),
                    Map.of("PATH", bin + ":" + System.getenv("PATH"), "HOIST_TEST_SNAPSHOT_DIR", images.toString()));
            try {
                migrate(child.client(), vcsim, replay, images, vddkLib, target);
            } finally {
                child.kill();
            }
        }
    }

    private void migrate(ApiClient api, Vcsim vcsim, CbtSoapReplayTestServer replay, Path images, Path vddkLib,
                         Path target) throws Exception {
        apply(api, NS, """
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
                """.formatted(NS, Vcsim.USER, Vcsim.PASSWORD, VsphereColdMigrationIT.json(replay.caPem()),
                replay.url(), vddkLib, target));
        String uid = waitTrue(api, ResourceKind.PROVIDER, NS, "vcenter", "Ready", 120).path("metadata").path("uid").asText();
        String base = "/providers/vsphere/" + uid;
        JsonNode vm = waitForVm(api, base, VM);
        assertThat(vm.path("changeTrackingEnabled").asBoolean()).as("CBT on").isTrue();
        JsonNode disk = vm.path("disks").get(0);
        int capacity = disk.path("capacity").asInt();

        // the VM's disk as the snapshots see it: changed by the test between precopies
        Path image = images.resolve(vm.path("id").asText() + ".img");
        byte[] content = new byte[capacity];
        new Random(7).nextBytes(content);
        Files.write(image, content);
        replay.capacity = capacity;
        replay.changedAreasSince = id -> List.of(); // nothing changed until the test changes something

        apply(api, NS, """
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
                  skipGuestConversion: true   # the simulated disks hold data, no operating system to convert
                  warm: true
                  targetNamespace: migrated
                  provider: {source: {name: vcenter, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %4$s}]
                """.formatted(NS, vm.path("networks").get(0).path("id").asText(),
                disk.path("datastore").path("id").asText(), vm.path("id").asText()));
        waitTrue(api, ResourceKind.PLAN, NS, "warm", "Ready", 120);
        replay.changedAreasSince = id -> id.equals("*") ? List.of(new long[] {0, capacity}) : List.of();
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: warm-run, namespace: %1$s}
                spec: {plan: {name: warm, namespace: %1$s}}
                """.formatted(NS));

        waitForPrecopies(api, 1);
        assertThat(waitForVm(api, base, VM).path("powerState").asText()).as("running during precopies").isEqualTo("poweredOn");
        // the guest writes 4 KiB at 8 KiB: the next precopies see exactly that area as changed
        byte[] change = new byte[4096];
        new Random(8).nextBytes(change);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(8192);
            f.write(change);
        }
        System.arraycopy(change, 0, content, 8192, change.length);
        replay.changedAreasSince = id -> id.equals("*") ? List.of(new long[] {0, capacity}) : List.of(new long[] {8192, 4096});
        int before = replay.queries.size();

        // cutover now (the precopy interval is the default hour): power off, final snapshot, final delta
        ObjectNode migration = (ObjectNode) api.get(ResourceKind.MIGRATION, NS, "warm-run");
        ((ObjectNode) migration.path("spec")).put("cutover", Instant.now().toString());
        api.replace(ResourceKind.MIGRATION, NS, "warm-run", migration);
        JsonNode plan = waitTrueOrFailed(api, NS, "warm", 300);
        assertThat(replay.queries.subList(before, replay.queries.size()))
                .as("the final delta asks for what changed since the previous snapshot")
                .isNotEmpty().allSatisfy(q -> assertThat(q.changeId()).startsWith("cbt-snapshot-"));

        Path vmDir = target.resolve("migrated").resolve(VsphereColdMigrationIT.targetName(VM));
        List<Path> disks;
        try (Stream<Path> files = Files.list(vmDir)) {
            disks = files.filter(f -> f.toString().endsWith(".img")).toList();
        }
        assertThat(disks).hasSize(1);
        assertThat(Appliances.sha256(disks.get(0))).as("target disk after cutover").isEqualTo(Appliances.sha256Bytes(content));
        JsonNode status = plan.path("status").path("migration").path("vms").get(0);
        // The cutover timeline, for whoever looks at downtime: when each step ran and each precopy round.
        System.out.println("cutover requested at " + migration.path("spec").path("cutover").asText());
        for (JsonNode step : status.path("pipeline")) {
            System.out.println("step " + step.path("name").asText() + ": " + step.path("started").asText("-")
                    + " .. " + step.path("completed").asText("-"));
        }
        for (JsonNode p : status.path("warm").path("precopies")) {
            System.out.println("precopy " + p.path("start").asText("-") + " .. " + p.path("end").asText("-"));
        }
        assertThat(status.path("warm").path("precopies").size()).as("precopies: " + status.path("warm"))
                .isGreaterThanOrEqualTo(2);
        // cutover powered the source off; the final snapshot is gone like every precopy snapshot
        waitForPowerState(api, base, VM, "poweredOff");
        assertThat(waitForVm(api, base, VM).path("snapshot").path("id").asText()).as("snapshots left").isEmpty();
        String calls = Files.readString(images.resolve("vddk-calls.log"));
        assertThat(calls).as("nbdkit vddk arguments").contains("vm=moref=" + vm.path("id").asText())
                .contains("snapshot=snapshot-").contains("libdir=" + vddkLib).contains("password=+");
        assertThat(calls).doesNotContain(Vcsim.PASSWORD);
    }

    static void waitForPrecopies(ApiClient api, int finished) throws InterruptedException {
        long end = System.nanoTime() + 180_000_000_000L;
        while (true) {
            JsonNode plan = api.get(ResourceKind.PLAN, NS, "warm");
            int done = 0;
            for (JsonNode p : plan.path("status").path("migration").path("vms").path(0).path("warm").path("precopies")) {
                if (!p.path("end").asText("").isEmpty()) {
                    done++;
                }
            }
            if (done >= finished) {
                return;
            }
            assertThat(CrashResumeIT.isTrue(plan, "Failed")).as("plan failed: " + plan.path("status")).isFalse();
            assertThat(System.nanoTime()).as(finished + " precopies: " + plan.path("status")).isLessThan(end);
            Thread.sleep(300);
        }
    }

    static Path realNbdkit() {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, "nbdkit");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException("nbdkit not found on PATH (Debian package nbdkit)");
    }

    /** The vddk stand-in: same command line in, nbdkit's file plugin out (see the class comment). */
    static void writeNbdkitStandIn(Path script, Path realNbdkit) throws Exception {
        Files.writeString(script, """
                #!/bin/sh
                # Test double (VsphereWarmMigrationIT): stands in for `nbdkit ... vddk ...`, VDDK cannot be had here.
                # Keeps nbdkit's options, logs the vddk arguments, serves $HOIST_TEST_SNAPSHOT_DIR/<vm moref>.img.
                opts=""
                while [ $# -gt 0 ] && [ "$1" != vddk ]; do opts="$opts $1"; shift; done
                [ $# -gt 0 ] || exec %1$s $opts
                shift
                vm=""
                for a in "$@"; do case "$a" in vm=moref=*) vm="${a#vm=moref=}";; esac; done
                echo "vddk $*" >> "$HOIST_TEST_SNAPSHOT_DIR/vddk-calls.log"
                exec %1$s $opts file "file=$HOIST_TEST_SNAPSHOT_DIR/$vm.img"
                """.formatted(realNbdkit));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
