package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineMigrationTest {
    static final long DISK = 6L << 20; // 6 MiB: two 4 MiB checksum blocks, the last one partial, a zero MiB

    static String manifests(String type, String cutover) {
        return EngineHarness.providersAndMaps() + """
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: plan1, namespace: default}
                spec:
                  type: %s
                  targetNamespace: migrated
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                  vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: ForkliftController
                metadata: {name: forklift-controller, namespace: default}
                spec: {controller_max_vm_inflight: 2}
                """.formatted(type) + (cutover == null ? "" : "");
    }

    static String migration(String cutover) {
        return """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: run1, namespace: default}
                spec:
                  plan: {name: plan1, namespace: default}
                """ + (cutover == null ? "" : "  cutover: \"" + cutover + "\"\n");
    }

    @Test
    void coldMigrationCopiesEveryByteOnceAndCreatesEachVmOnce(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 2, DISK, 2, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode vms = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms");
            assertThat(vms).hasSize(3);
            for (JsonNode vm : vms) {
                String id = vm.path("id").asText();
                assertThat(vm.path("phase").asText()).isEqualTo("Completed");
                for (JsonNode step : vm.path("pipeline")) {
                    assertThat(step.path("phase").asText()).as(id + " " + step.path("name")).isEqualTo("Completed");
                }
                JsonNode transfer = stepNamed(vm, "DiskTransfer");
                assertThat(transfer.path("tasks")).hasSize(2);
                for (JsonNode task : transfer.path("tasks")) {
                    String src = task.path("annotations").path("hoist.io/source-checksum").asText();
                    assertThat(src).startsWith("sha256-4m:");
                    assertThat(task.path("annotations").path("hoist.io/target-checksum").asText()).isEqualTo(src);
                }
                assertThat(stepNamed(vm, "ImageConversion").path("reason").asText()).isEqualTo("skipped: no installed guest converter converts synthetic guests");
                for (int d = 0; d < 2; d++) {
                    assertDiskEquals(dest.diskFileOf("migrated", id, "disk-" + d), source, id, "disk-" + d);
                }
                assertThat(dest.creations.get(id).get()).isEqualTo(1);
            }
            JsonNode migration = h.get(ResourceKind.MIGRATION, "run1");
            assertThat(Conditions.isTrue(migration, "Succeeded")).isTrue();
            assertStatusMatchesCrds(h);
            assertThat(migration.path("status").path("vms")).hasSize(3);
            assertThat(source.powerOffs.get()).isEqualTo(3);
        }
    }

    @Test
    void warmMigrationCopiesDeltasUntilCutoverAndLeavesNoSnapshot(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 2, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("warm", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(OffsetDateTime.now().plusSeconds(6).toString()));
            // Guest writes while precopies run: only these areas change.
            Thread.sleep(1500);
            source.touch("vm-0", "disk-0", 3L << 20, 100_000);
            source.touch("vm-1", "disk-1", 0, 10);
            EngineHarness.await(Duration.ofSeconds(90), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "warm plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            for (String id : new String[] {"vm-0", "vm-1", "vm-2"}) {
                for (int d = 0; d < 2; d++) {
                    assertDiskEquals(dest.diskFileOf("migrated", id, "disk-" + d), source, id, "disk-" + d);
                }
            }
            JsonNode vm0 = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(vm0.path("warm").path("precopies").size()).isGreaterThanOrEqualTo(2);
            assertStatusMatchesCrds(h);
            assertThat(source.snapshotsAlive.get()).isZero();
        }
    }

    @Test
    void cancelStopsOneVmAndRestoresItsSourceAndRestartMigratesOnlyIt(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 2, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            // A 3 MiB/s plan budget makes the copies slow enough to cancel one VM mid-way.
            h.apply(manifests("cold", null).replace("metadata: {name: plan1, namespace: default}",
                    "metadata: {name: plan1, namespace: default, annotations: {hoist.io/bandwidth-mibps: \"3\"}}"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(30), () -> phaseOf(h, "vm-1").equals("CopyDisks"), "vm-1 copying");
            for (int attempt = 0; ; attempt++) { // the engine writes the Migration's status concurrently
                var m = h.get(ResourceKind.MIGRATION, "run1");
                m.with("spec").putArray("cancel").addObject().put("id", "vm-1");
                try {
                    h.store.update(ResourceKind.MIGRATION, m);
                    break;
                } catch (io.hoist.core.store.StoreException.Conflict c) {
                    assertThat(attempt).isLessThan(20);
                }
            }
            EngineHarness.await(Duration.ofSeconds(90), () -> h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").has("completed"),
                    "migration complete");
            JsonNode plan = h.get(ResourceKind.PLAN, "plan1");
            assertThat(vmCondition(plan, "vm-1", "Canceled")).isTrue();
            // Issue 20 item 5: the canceled VM's copy ends Canceled with its last figures, no live rate or ETA.
            JsonNode vm1 = null;
            for (JsonNode v : plan.path("status").path("migration").path("vms")) {
                vm1 = "vm-1".equals(v.path("id").asText()) ? v : vm1;
            }
            JsonNode transfer = stepNamed(vm1, "DiskTransfer");
            assertThat(transfer.path("phase").asText()).isEqualTo("Canceled");
            assertThat(transfer.path("annotations").has("hoist.io/eta-seconds")).isFalse();
            for (JsonNode step : vm1.path("pipeline")) {
                assertThat(step.path("phase").asText()).as(step.path("name").asText()).isNotEqualTo("Running");
                for (JsonNode t : step.path("tasks")) {
                    assertThat(t.path("phase").asText()).isNotEqualTo("Running");
                }
            }
            assertThat(vmCondition(plan, "vm-0", "Succeeded")).isTrue();
            assertThat(vmCondition(plan, "vm-2", "Succeeded")).isTrue();
            assertThat(Conditions.isTrue(plan, "Succeeded")).isTrue();
            // Temporary target objects of the canceled VM are gone and its source runs again.
            assertThat(tmp.resolve("out/migrated/vm-1")).doesNotExist();
            assertThat(source.describe(new io.hoist.api.source.VmRef("vm-1", null)).orElseThrow().powerState())
                    .isEqualTo(io.hoist.api.source.PowerState.ON);
            int powerOffsBefore = source.powerOffs.get();

            h.apply(migration(null).replace("name: run1", "name: run2"));
            EngineHarness.await(Duration.ofSeconds(90), () -> {
                JsonNode p = h.get(ResourceKind.PLAN, "plan1");
                return vmCondition(p, "vm-1", "Succeeded") && p.path("status").path("migration").has("completed");
            }, "restart migrates vm-1");
            assertThat(source.powerOffs.get() - powerOffsBefore).as("only vm-1 is migrated again").isEqualTo(1);
            for (String id : new String[] {"vm-0", "vm-1", "vm-2"}) {
                assertThat(dest.creations.get(id).get()).as(id + " created once").isEqualTo(1);
                assertDiskEquals(dest.diskFileOf("migrated", id, "disk-0"), source, id, "disk-0");
            }
            assertThat(h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("history")).hasSize(2);
            assertStatusMatchesCrds(h);
        }
    }

    @Test
    void vmsBeyondTheInFlightLimitWaitWithAPendingCondition(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, false);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null)
                    .replace("controller_max_vm_inflight: 2", "controller_max_vm_inflight: 1")
                    .replace("metadata: {name: plan1, namespace: default}",
                            "metadata: {name: plan1, namespace: default, annotations: {hoist.io/bandwidth-mibps: \"4\"}}"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(60), () -> pendingMessages(h).contains("waiting: in-flight limit reached (max 1)"),
                    "a VM waiting for the in-flight limit");
            EngineHarness.await(Duration.ofSeconds(120), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded");
            assertThat(pendingMessages(h)).as("no VM still pending").isEmpty();
            assertThat(h.engine.scheduler().inUse(h.get(ResourceKind.PROVIDER, "src").path("metadata").path("uid").asText() + "/host-0")).isZero();
        }
    }

    @Test
    void cutoverCanBeRemovedAndSetAgainWhileRunning(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("warm", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(OffsetDateTime.now().plusHours(1).toString()));
            EngineHarness.await(Duration.ofSeconds(60), () -> phaseOf(h, "vm-0").equals("Precopy"), "precopying");
            setCutover(h, null); // removed: keeps precopying
            Thread.sleep(3000);
            assertThat(phaseOf(h, "vm-0")).isEqualTo("Precopy");
            assertThat(source.powerOffs.get()).isZero();
            setCutover(h, OffsetDateTime.now().minusSeconds(1).toString()); // set again, now due
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded after the cutover was set");
            assertThat(source.powerOffs.get()).isEqualTo(3);
            for (String id : new String[] {"vm-0", "vm-1", "vm-2"}) {
                assertDiskEquals(dest.diskFileOf("migrated", id, "disk-0"), source, id, "disk-0");
            }
            assertThat(source.snapshotsAlive.get()).isZero();
        }
    }

    @Test
    void aFailedVmRestoresItsSourceAndArchiveCleansUpWhatItLeft(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        source.failingVms.add("vm-2");
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(120), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Failed"),
                    "plan Failed; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode plan = h.get(ResourceKind.PLAN, "plan1");
            assertThat(vmCondition(plan, "vm-2", "Failed")).isTrue();
            assertThat(vmCondition(plan, "vm-0", "Succeeded")).isTrue();
            // The failed VM's source runs again, as it did before the migration.
            assertThat(source.describe(new io.hoist.api.source.VmRef("vm-2", null)).orElseThrow().powerState())
                    .isEqualTo(io.hoist.api.source.PowerState.ON);
            assertThat(dest.cleanupCalls).contains("vm-2:FAILED:false");
            // the step it failed in reads Failed, not Completed (issue 24 item 8)
            JsonNode failedStep = null;
            for (JsonNode v : plan.at("/status/migration/vms")) {
                if (v.path("id").asText().equals("vm-2")) {
                    for (JsonNode st : v.path("pipeline")) {
                        if (st.has("error")) {
                            failedStep = st;
                        }
                    }
                }
            }
            assertThat(failedStep).as("a step with the error").isNotNull();
            assertThat(failedStep.path("phase").asText()).isEqualTo("Failed");
            for (JsonNode t : failedStep.path("tasks")) {
                assertThat(t.path("phase").asText()).isIn("Completed", "Failed", "Pending");
            }
            for (int attempt = 0; ; attempt++) {
                var p = h.get(ResourceKind.PLAN, "plan1");
                p.with("spec").put("archived", true);
                try {
                    h.store.update(ResourceKind.PLAN, p);
                    break;
                } catch (io.hoist.core.store.StoreException.Conflict c) {
                    assertThat(attempt).isLessThan(20);
                }
            }
            EngineHarness.await(Duration.ofSeconds(30), () -> dest.cleanupCalls.contains("vm-2:ARCHIVED:false"), "archive cleanup");
            assertThat(dest.cleanupCalls).noneMatch(c -> c.startsWith("vm-0:"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Archived"), "Archived");
        }
    }

    /** Every status the engine wrote (Plan, Migration, Providers, maps) validates against MTV's CRD schemas. */
    static void assertStatusMatchesCrds(EngineHarness h) {
        for (ResourceKind kind : new ResourceKind[] {ResourceKind.PLAN, ResourceKind.MIGRATION, ResourceKind.PROVIDER,
                ResourceKind.NETWORK_MAP, ResourceKind.STORAGE_MAP}) {
            for (var o : h.store.list(kind, null)) {
                assertThat(io.hoist.core.model.schema.CrdSchemas.validate(kind, o))
                        .as(kind.kind() + " " + o.path("metadata").path("name").asText() + " status: " + o.path("status"))
                        .isEmpty();
            }
        }
    }

    static void setCutover(EngineHarness h, String cutover) {
        for (int attempt = 0; ; attempt++) {
            var m = h.get(ResourceKind.MIGRATION, "run1");
            if (cutover == null) {
                m.with("spec").remove("cutover");
            } else {
                m.with("spec").put("cutover", cutover);
            }
            try {
                h.store.update(ResourceKind.MIGRATION, m);
                return;
            } catch (io.hoist.core.store.StoreException.Conflict c) {
                assertThat(attempt).isLessThan(20);
            }
        }
    }

    static String pendingMessages(EngineHarness h) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode vm : h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms")) {
            for (JsonNode c : vm.path("conditions")) {
                if ("Pending".equals(c.path("type").asText())) {
                    sb.append(c.path("message").asText()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    static String phaseOf(EngineHarness h, String vmId) {
        for (JsonNode vm : h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms")) {
            if (vmId.equals(vm.path("id").asText())) {
                return vm.path("phase").asText();
            }
        }
        return "";
    }

    static boolean vmCondition(JsonNode plan, String vmId, String type) {
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (vmId.equals(vm.path("id").asText())) {
                for (JsonNode c : vm.path("conditions")) {
                    if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static JsonNode stepNamed(JsonNode vm, String name) {
        for (JsonNode s : vm.path("pipeline")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + vm);
    }

    static void assertDiskEquals(Path file, SyntheticSourceTestDouble source, String vm, String disk) throws IOException {
        assertDiskEquals(file, source, vm, disk, DISK);
    }

    static void assertDiskEquals(Path file, SyntheticSourceTestDouble source, String vm, String disk, long size) throws IOException {
        int[] g = source.liveGenerations(vm, disk);
        try (FileChannel ch = FileChannel.open(file)) {
            assertThat(ch.size()).isEqualTo(size);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                for (int i = 0; i < n; i++) {
                    byte want = SyntheticSourceTestDouble.byteAt(vm, disk, g, pos + i);
                    if (buf.get(i) != want) {
                        throw new AssertionError(file + " differs at byte " + (pos + i));
                    }
                }
                pos += n;
            }
        }
    }
}
