package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.waitTrueOrFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm oVirt migration through the whole platform (a child JVM running {@code hoist serve} with the plugin jars of
 * dist/plugins): the running recorded VM of the oVirt test engine is copied by incremental backups while the guest
 * writes, a precopy every {@code controller_precopy_interval} (1 minute, the smallest the setting takes), then cutover:
 * power-off, a final backup from the last checkpoint, the final delta. The target disk ends byte-identical; no image
 * transfer, backup or checkpoint is left on the engine.
 */
class OvirtWarmMigrationIT {
    static final String NS = "ovirt-warm";
    /** Besides the data, the disk reader checks each new transfer with a 1-byte read: a few bytes of slack. */
    static final long PROBE = 4096;

    @Test
    void precopiesAtTheControllerIntervalThenCutoverCopyOnlyWhatChanged(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path images = Files.createDirectories(tmp.resolve("images"));
        try (OvirtEngineTestServer engine = new OvirtEngineTestServer(
                Path.of(System.getProperty("hoist.shared.dir"), "fixtures", "ovirt", "recorded"))) {
            Path raw = Images.qcow2AndRaw(images, "vm_on", 8589934592L, "0 2M 0x42", "1G 1M 0x17");
            Files.delete(images.resolve("vm_on.qcow2")); // the guest writes into the raw image from here on
            engine.setImage(OvirtColdMigrationIT.ON_DISK, raw);
            engine.setDisk(OvirtColdMigrationIT.ON_DISK, "backup", "incremental");
            engine.setDisk(OvirtColdMigrationIT.ON_DISK, "format", "cow");
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
            try {
                migrate(child.client(), engine, raw, target);
            } finally {
                child.kill();
            }
            Path vmDir = target.resolve("migrated/vm-on");
            List<Path> disks;
            try (Stream<Path> files = Files.list(vmDir)) {
                disks = files.filter(f -> f.toString().endsWith(".img")).toList();
            }
            assertThat(disks).hasSize(1);
            assertThat(Images.sha256(disks.get(0))).as("target disk after cutover").isEqualTo(Images.sha256(raw));
            assertThat(engine.open()).as("image transfers and backups left open").isEmpty();
            assertThat(engine.checkpointIds(OvirtEngineTestServer.VM_ON)).as("checkpoints left on the VM").isEmpty();
            assertThat(engine.vmStatus(OvirtEngineTestServer.VM_ON)).as("cutover powered the source off").isEqualTo("down");
        }
    }

    private void migrate(ApiClient api, OvirtEngineTestServer engine, Path raw, Path target) throws Exception {
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: ForkliftController
                metadata: {name: forklift-controller, namespace: %1$s}
                spec: {controller_precopy_interval: 1}
                """.formatted(NS));
        OvirtPlatformSetup.providersAndMaps(api, NS, engine, target);
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: warm, namespace: %1$s}
                spec:
                  warm: true
                  skipGuestConversion: true   # the simulated disk holds data, no operating system to convert
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %2$s}]
                """.formatted(NS, OvirtEngineTestServer.VM_ON));
        waitTrue(api, ResourceKind.PLAN, NS, "warm", "Ready", 120);
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: warm-run, namespace: %1$s}
                spec: {plan: {name: warm, namespace: %1$s}}
                """.formatted(NS));

        // precopy 1: a full backup, only the allocated 3 MiB read
        waitForPrecopies(api, 1);
        assertThat(engine.vmStatus(OvirtEngineTestServer.VM_ON)).as("running during precopies").isEqualTo("up");
        long afterFirst = engine.imageio.dataBytes.get();
        assertThat(afterFirst).as("the first precopy reads the allocated data only").isBetween(3L << 20, (3L << 20) + PROBE);
        Random random = new Random(16);
        byte[] w1 = new byte[1 << 20];
        random.nextBytes(w1);
        // over the 1 MiB written at 1 GiB when the disk was made: the transfer engine re-reads the allocated data of each
        // 4 MiB checksum block a delta touches, so the blocks are chosen to hold nothing else
        engine.guestWrite(OvirtColdMigrationIT.ON_DISK, 1L << 30, w1);

        // precopy 2, a controller interval after the first one ended: the 1 MiB the guest wrote, from the dirty map
        List<JsonNode> rounds = waitForPrecopies(api, 2);
        Instant firstEnd = Instant.parse(rounds.get(0).path("end").asText());
        Instant secondStart = Instant.parse(rounds.get(1).path("start").asText());
        assertThat(Duration.between(firstEnd, secondStart)).as("precopy interval (controller_precopy_interval: 1)")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(59));
        assertThat(engine.imageio.dataBytes.get() - afterFirst).as("precopy 2 reads what changed").isBetween(1L << 20, (1L << 20) + PROBE);
        assertThat(engine.imageio.extentQueries).anyMatch(q -> q.contains("context=dirty"));

        byte[] w2 = new byte[8192];
        random.nextBytes(w2);
        engine.guestWrite(OvirtColdMigrationIT.ON_DISK, (5L << 30) + 4096, w2); // into a hole
        long beforeCutover = engine.imageio.dataBytes.get();
        setCutoverNow(api);
        JsonNode plan = waitTrueOrFailed(api, NS, "warm", 600);
        JsonNode status = plan.path("status").path("migration").path("vms").get(0);
        for (JsonNode p : status.path("warm").path("precopies")) {
            System.out.println("precopy " + p.path("start").asText("-") + " .. " + p.path("end").asText("-") + " backup "
                    + p.path("snapshot").asText());
        }
        assertThat(status.path("warm").path("precopies").size()).as("two precopies and the final delta").isGreaterThanOrEqualTo(3);
        assertThat(engine.imageio.dataBytes.get() - beforeCutover).as("the final delta reads only the 8 KiB written since precopy 2")
                .isBetween(8192L, 8192L + PROBE);
    }

    /** Sets the Migration's cutover to now, as a user's edit: read, change, replace (again if the controller wrote meanwhile). */
    static void setCutoverNow(ApiClient api) throws Exception {
        for (int attempt = 1; ; attempt++) {
            ObjectNode migration = (ObjectNode) api.get(ResourceKind.MIGRATION, NS, "warm-run");
            ((ObjectNode) migration.path("spec")).put("cutover", Instant.now().toString());
            try {
                api.replace(ResourceKind.MIGRATION, NS, "warm-run", migration);
                return;
            } catch (io.hoist.cli.client.ApiException e) {
                if (attempt >= 10 || !String.valueOf(e.getMessage()).contains("has been modified")) {
                    throw e;
                }
            }
        }
    }

    /** The plan's precopies once {@code finished} of them have ended (the plan failing fails the test). */
    static List<JsonNode> waitForPrecopies(ApiClient api, int finished) throws InterruptedException {
        long end = System.nanoTime() + 300_000_000_000L;
        while (true) {
            JsonNode plan = api.get(ResourceKind.PLAN, NS, "warm");
            List<JsonNode> done = new ArrayList<>();
            for (JsonNode p : plan.path("status").path("migration").path("vms").path(0).path("warm").path("precopies")) {
                if (!p.path("end").asText("").isEmpty()) {
                    done.add(p);
                }
            }
            if (done.size() >= finished) {
                return done;
            }
            assertThat(CrashResumeIT.isTrue(plan, "Failed")).as("plan failed: " + plan.path("status")).isFalse();
            assertThat(System.nanoTime()).as(finished + " precopies: " + plan.path("status")).isLessThan(end);
            Thread.sleep(300);
        }
    }
}
