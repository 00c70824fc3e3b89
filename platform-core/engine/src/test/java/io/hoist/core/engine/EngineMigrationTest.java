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
        return """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: src, namespace: default}
                spec: {type: synthetic, url: "synthetic://"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: dst, namespace: default}
                spec: {type: test-folder, url: "file:///unused"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: default}
                spec:
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: [{source: {id: net-a}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: default}
                spec:
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: [{source: {id: ds-a}, destination: {storageClass: standard}}]
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
                spec: {controller_max_vm_inflight: 2, controller_precopy_interval: "0.02"}
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
                assertThat(stepNamed(vm, "ImageConversion").path("reason").asText()).contains("no guest converter");
                for (int d = 0; d < 2; d++) {
                    assertDiskEquals(dest.diskFile("migrated", id, id + "-disk-" + d), source, id, "disk-" + d);
                }
                assertThat(dest.creations.get(id).get()).isEqualTo(1);
            }
            JsonNode migration = h.get(ResourceKind.MIGRATION, "run1");
            assertThat(Conditions.isTrue(migration, "Succeeded")).isTrue();
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
                    assertDiskEquals(dest.diskFile("migrated", id, id + "-disk-" + d), source, id, "disk-" + d);
                }
            }
            JsonNode vm0 = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(vm0.path("warm").path("precopies").size()).isGreaterThanOrEqualTo(2);
            assertThat(source.snapshotsAlive.get()).isZero();
        }
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
        int[] g = source.liveGenerations(vm, disk);
        try (FileChannel ch = FileChannel.open(file)) {
            assertThat(ch.size()).isEqualTo(DISK);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < DISK) {
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
