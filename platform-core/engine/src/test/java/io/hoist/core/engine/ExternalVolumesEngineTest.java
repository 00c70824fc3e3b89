package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.assertDiskEquals;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.stepNamed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.source.ExternalVolume;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disks the source hands over as external volumes (oVirt's direct LUNs) through the real engine: never copied, attached
 * by the destination, detached from the source only once the target VM exists, refused with warm plans.
 */
class ExternalVolumesEngineTest {
    private static final Duration LONG = Duration.ofMinutes(4); // ends as soon as the condition holds
    private static final ExternalVolume LUN = ExternalVolume.iscsi("36001405ee0b74100598487e9c5f90850", 9663676416L, false,
            "10.46.9.43:3260", "iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2", 1);

    /** vm-0 gets a LUN on a storage no StorageMap names (a LUN needs none) next to its image disk. */
    private static SyntheticSourceTestDouble sourceWithLun() {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 1, EngineMigrationTest.DISK, 1, false);
        source.reshape = vm -> {
            if (!vm.id().equals("vm-0")) {
                return vm;
            }
            List<SourceDisk> disks = new ArrayList<>(vm.disks());
            disks.add(new SourceDisk("lun-0", "oracle-asm", LUN.size(), "lun", "scsi", false, 0, null, null, null, LUN));
            return new SourceVm(vm.id(), vm.name(), vm.sockets(), vm.coresPerSocket(), vm.threadsPerCore(), vm.memoryBytes(),
                    vm.firmware(), vm.secureBoot(), vm.powerState(), vm.hostId(), vm.osType(), disks, vm.nics(), vm.cpuModel(),
                    vm.identity(), vm.checks());
        };
        return source;
    }

    private static String plan(String type) {
        return manifests(type, null).replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", "vms: [{id: vm-0}, {id: vm-1}]");
    }

    @Test
    void aLunIsAttachedNotCopiedAndDetachedFromTheSourceOnlyOnceTheTargetVmExists(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = sourceWithLun();
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(plan("cold"));
            EngineHarness.await(LONG, () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"),
                    "plan Ready; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            h.apply(migration(null));
            EngineHarness.await(LONG, () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));

            assertThat(source.opened).as("the LUN's bytes are never read").containsExactlyInAnyOrder("vm-0/disk-0", "vm-1/disk-0");
            assertThat(dest.attachedVolumes).containsExactly(Map.entry("migrated/vm-0/lun-0", LUN.volumeId()));
            assertThat(dest.creations.get("vm-0").get()).isEqualTo(1);
            assertThat(source.detached).as("detached once, after the VM was created").containsExactly("vm-0/lun-0");
            assertDiskEquals(dest.diskFileOf("migrated", "vm-0", "disk-0"), source, "vm-0", "disk-0");

            JsonNode vm0 = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            JsonNode lunTask = null;
            for (JsonNode t : stepNamed(vm0, "DiskTransfer").path("tasks")) {
                if (t.path("name").asText().equals("lun-0")) {
                    lunTask = t;
                }
            }
            assertThat(lunTask).as("the LUN is shown on the DiskTransfer step").isNotNull();
            assertThat(lunTask.path("phase").asText()).isEqualTo("Completed");
            assertThat(lunTask.path("reason").asText()).isEqualTo("attached, not copied");
            assertThat(lunTask.path("annotations").has("hoist.io/source-checksum")).as("no checksum is claimed").isFalse();
            assertThat(lunTask.path("annotations").path("hoist.io/verified").asText()).isEqualTo("false");
            assertThat(stepNamed(vm0, "VirtualMachineCreation").path("annotations").path("hoist.io/detached.lun-0").asText())
                    .isEqualTo("true");
        }
    }

    @Test
    void aVmFailingBeforeItsTargetExistsKeepsItsLunAttachedAtTheSource(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = sourceWithLun();
        source.failingVms.add("vm-0"); // its image disk's copy fails
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(plan("cold"));
            EngineHarness.await(LONG, () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(LONG, () -> h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").has("completed"),
                    "migration completed; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode vm0 = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            boolean failed = false;
            for (JsonNode c : vm0.path("conditions")) {
                failed |= "Failed".equals(c.path("type").asText()) && "True".equals(c.path("status").asText());
            }
            assertThat(failed).as("vm-0 failed: " + vm0).isTrue();
            assertThat(source.detached).as("nothing changed on the source").isEmpty();
        }
    }

    @Test
    void aWarmPlanWithALunIsCriticalNamingTheDisk(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = sourceWithLun();
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(plan("warm"));
            EngineHarness.await(LONG, () -> conditionOf(h, "LunDisksWarmMigration") != null,
                    "LunDisksWarmMigration; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode c = conditionOf(h, "LunDisksWarmMigration");
            assertThat(c.path("category").asText()).isEqualTo("Critical");
            assertThat(c.path("message").asText()).contains("oracle-asm").contains("warm");
            assertThat(c.path("items").toString()).contains("vm-0").doesNotContain("vm-1");
            assertThat(Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready")).isFalse();
            assertThat(source.detached).isEmpty();
        }
    }

    private static JsonNode conditionOf(EngineHarness h, String type) {
        for (JsonNode c : h.get(ResourceKind.PLAN, "plan1").path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return null;
    }
}
