package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTV's Plan fields end to end: a plan is migrated through the engine and the VM the destination is asked to create
 * carries what each field says (item 2 and 3 of issue 13), with MTV's defaults where the plan says nothing.
 */
class PlanFieldsEngineTest {
    static final long DISK = EngineMigrationTest.DISK;

    static String plan(String extraSpec, String vms) {
        return EngineHarness.providersAndMaps() + """
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: plan1, namespace: default}
                spec:
                  targetNamespace: migrated
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                  skipGuestConversion: true
                %s
                  vms:
                %s
                """.formatted(extraSpec, vms);
    }

    static final String MIGRATION = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Migration
            metadata: {name: run1, namespace: default}
            spec:
              plan: {name: plan1, namespace: default}
            """;

    static void migrate(EngineHarness h, String manifests) throws Exception {
        h.apply(manifests);
        EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"),
                "plan Ready; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
        h.apply(MIGRATION);
        EngineHarness.await(Duration.ofSeconds(90), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
    }

    static SourceVm renamed(SourceVm v, String name) {
        return new SourceVm(v.id(), name, v.sockets(), v.coresPerSocket(), v.threadsPerCore(), v.memoryBytes(), v.firmware(),
                v.secureBoot(), v.powerState(), v.hostId(), v.osType(), v.disks(), v.nics(), v.cpuModel(), v.identity(), v.checks());
    }

    static SourceVm withDisks(SourceVm v, List<SourceDisk> disks) {
        return new SourceVm(v.id(), v.name(), v.sockets(), v.coresPerSocket(), v.threadsPerCore(), v.memoryBytes(), v.firmware(),
                v.secureBoot(), v.powerState(), v.hostId(), v.osType(), disks, v.nics(), v.cpuModel(), v.identity(), v.checks());
    }

    @Test
    void everyFieldThatShapesTheTargetReachesTheCreatedVm(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 2, DISK, 1, true);
        source.reshape = v -> v.withIdentity(new SourceVm.Identity("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a",
                "VMware-42 23 fa 5e 1c 1b 4c d5-8f 4c 3a 6e 0f 3d 1e 2a", v.id().equals("vm-0"), "Europe/Paris", null));
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            migrate(h, plan("""
                      targetPowerState: "off"
                      enableNestedVirtualization: true
                      targetNodeSelector: {zone: a}
                      targetLabels: {team: web}
                      targetAffinity:
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - labelSelector: {matchLabels: {team: web}}
                            topologyKey: kubernetes.io/hostname
                    """, """
                      - id: vm-0
                        rootDisk: /dev/sdb
                        instanceType: u1.medium
                      - id: vm-1
                        targetPowerState: "on"
                        enableNestedVirtualization: false
                    """));
            TargetVmSpec a = dest.created.get("vm-0");
            TargetVmSpec b = dest.created.get("vm-1");
            // placement on the pod template (targetLabels as MTV: on the template, next to app=<name>)
            assertThat(a.placement().nodeSelector()).containsEntry("zone", "a");
            assertThat(a.placement().templateLabels()).containsEntry("team", "web").containsEntry("app", "vm-0");
            assertThat(a.placement().affinity()).containsKey("podAntiAffinity");
            // rootDisk: the second disk boots
            assertThat(a.disks()).extracting(TargetDisk::bootOrder).containsExactly(0, 1);
            assertThat(b.disks()).extracting(TargetDisk::bootOrder).containsExactly(1, 0);
            assertThat(a.flavor().instanceType()).isEqualTo("u1.medium");
            assertThat(b.flavor().instanceType()).isNull();
            // targetPowerState at plan and VM level (the source ran, so "auto" would have said Always for both)
            assertThat(a.runStrategy()).isEqualTo("Halted");
            assertThat(b.runStrategy()).isEqualTo("Always");
            assertThat(a.identity().nestedVirtualization()).isTrue();
            assertThat(b.identity().nestedVirtualization()).isFalse();
            // identity kept from the source; TPM only where the source had one
            assertThat(a.identity().firmwareUuid()).isEqualTo("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a");
            assertThat(a.identity().firmwareSerial()).startsWith("VMware-42 23");
            assertThat(a.identity().timezone()).isEqualTo("Europe/Paris");
            assertThat(a.identity().tpm()).isTrue();
            assertThat(b.identity().tpm()).isNull();
            // OS maps exist for vSphere and oVirt sources only (TargetSpecBuilderMtvFieldsTest covers vSphere's)
            assertThat(a.flavor().preference()).isNull();
            // defaults: compatibility mode for a raw copy, generateName PVCs named by MTV's built-in template
            assertThat(a.diskBus()).isEqualTo("sata");
            assertThat(a.disks()).allMatch(TargetDisk::generateName);
            assertThat(a.disks().get(0).pvcName()).isEqualTo("plan1-vm-0-disk-0");
            assertThat(a.disks()).allMatch(d -> d.serial() != null && d.serial().length() == 20);
            EngineMigrationTest.assertDiskEquals(dest.diskFileOf("migrated", "vm-0", "disk-1"), source, "vm-0", "disk-1");
            EngineMigrationTest.assertStatusMatchesCrds(h);
        }
    }

    @Test
    void aRenamedVmWhoseNameIsTakenGetsASuffixInsteadOfFailing(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, false);
        // vm-0 is "Web_01" (renamed web-01), vm-1 is "web-01" (kept): vm-0 yields. vm-2 "DB_01" finds db-01 taken on
        // the destination by a VM migration did not make.
        source.reshape = v -> switch (v.id()) {
            case "vm-0" -> renamed(v, "Web_01");
            case "vm-1" -> renamed(v, "web-01");
            default -> renamed(v, "DB_01");
        };
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        dest.foreignVms.add("migrated/db-01");
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            migrate(h, plan("", "  - id: vm-0\n  - id: vm-1\n  - id: vm-2\n"));
            assertThat(dest.created).containsKey("web-01");
            assertThat(dest.created.get("web-01").sourceVmId()).isEqualTo("vm-1");
            List<String> names = new ArrayList<>(dest.created.keySet());
            String vm0 = names.stream().filter(n -> dest.created.get(n).sourceVmId().equals("vm-0")).findFirst().orElseThrow();
            String vm2 = names.stream().filter(n -> dest.created.get(n).sourceVmId().equals("vm-2")).findFirst().orElseThrow();
            assertThat(vm0).matches("web-01-[0-9a-f]{4}");
            assertThat(vm2).matches("db-01-[0-9a-f]{4}");
            // the chosen name is on the VM's status, as MTV's newName
            JsonNode entries = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms");
            List<String> newNames = new ArrayList<>();
            entries.forEach(e -> newNames.add(e.path("newName").asText()));
            assertThat(newNames).contains(vm0, vm2);
        }
    }

    @Test
    void aDiskSharedByTwoVmsIsCopiedOnceAndAttachedToBoth(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 2, DISK, 1, false);
        UnaryOperator<SourceVm> shareSecondDisk = v -> {
            List<SourceDisk> disks = new ArrayList<>(v.disks());
            SourceDisk d = disks.get(1);
            disks.set(1, new SourceDisk(d.id(), "[ds-a] cluster/quorum.vmdk", d.capacity(), d.storageId(), d.bus(), true, 0,
                    null, null, "[ds-a] cluster/quorum.vmdk"));
            return withDisks(v, disks);
        };
        source.reshape = shareSecondDisk;
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            migrate(h, plan("", "  - id: vm-0\n  - id: vm-1\n"));
            Path copy0 = dest.diskFileOf("migrated", "vm-0", "disk-1");
            Path copy1 = dest.diskFileOf("migrated", "vm-1", "disk-1");
            assertThat(copy1).isEqualTo(copy0); // one copy, attached to both
            EngineMigrationTest.assertDiskEquals(copy0, source, "vm-0", "disk-1");
            assertThat(dest.created.get("vm-1").disks().get(1).attachOnly()).isTrue();
            assertThat(dest.created.get("vm-0").disks().get(1).attachOnly()).isFalse();
            // vm-1 transferred only its own disk
            JsonNode vm1 = null;
            for (JsonNode e : h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms")) {
                if ("vm-1".equals(e.path("id").asText())) {
                    vm1 = e;
                }
            }
            assertThat(vm1).isNotNull();
            List<String> tasks = new ArrayList<>();
            EngineMigrationTest.stepNamed(vm1, "DiskTransfer").path("tasks").forEach(t -> tasks.add(t.path("name").asText()));
            assertThat(tasks).hasSize(1).noneMatch(t -> t.contains("disk-1"));
        }
    }

    @Test
    void deleteVmOnFailMigrationAtVmLevelWinsOverThePlans(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 1, DISK, 1, false);
        source.failingVms.add("vm-0");
        source.failingVms.add("vm-1");
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(plan("  deleteVmOnFailMigration: false\n",
                    "  - id: vm-0\n    deleteVmOnFailMigration: true\n  - id: vm-1\n"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(MIGRATION);
            EngineHarness.await(Duration.ofSeconds(120), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Failed"),
                    "plan Failed; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            assertThat(dest.cleanupCalls).contains("vm-0:FAILED:true", "vm-1:FAILED:false");
        }
    }

    @Test
    void deletingARunningMigrationCancelsItsVms(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 2, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            // Every VM's reads are held, so whichever VM starts first is mid-copy when the Migration goes, however loaded
            // the machine; the in-flight limit (2 disks) keeps the other two waiting to start, and those are canceled too.
            source.heldVms.addAll(List.of("vm-0", "vm-1", "vm-2"));
            h.apply(EngineMigrationTest.manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(EngineMigrationTest.migration(null));
            EngineHarness.await(Duration.ofSeconds(120), () -> List.of("vm-0", "vm-1", "vm-2").stream()
                    .anyMatch(id -> EngineMigrationTest.phaseOf(h, id).equals("CopyDisks")), "a VM copying");
            assertThat(h.store.delete(ResourceKind.MIGRATION, "default", "run1")).isPresent();
            EngineHarness.await(Duration.ofSeconds(120), () -> {
                JsonNode plan = h.get(ResourceKind.PLAN, "plan1");
                return List.of("vm-0", "vm-1", "vm-2").stream().allMatch(id -> EngineMigrationTest.vmCondition(plan, id, "Canceled"));
            }, () -> "every VM Canceled; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            source.heldVms.clear();
            assertThat(dest.created).isEmpty();
            // the sources run again, as before the migration
            for (String id : List.of("vm-0", "vm-1", "vm-2")) {
                EngineHarness.await(Duration.ofSeconds(30), () -> source.describe(new io.hoist.api.source.VmRef(id, null))
                        .orElseThrow().powerState() == io.hoist.api.source.PowerState.ON, id + " powered on again");
            }
        }
    }

    @Test
    void aLaterPlanWithMigrateSharedDisksOffAttachesTheEarlierCopy(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 2, DISK, 1, false);
        source.reshape = v -> {
            List<SourceDisk> disks = new ArrayList<>(v.disks());
            SourceDisk d = disks.get(1);
            disks.set(1, new SourceDisk(d.id(), "[ds-a] cluster/quorum.vmdk", d.capacity(), d.storageId(), d.bus(), true, 0,
                    null, null, "[ds-a] cluster/quorum.vmdk"));
            return withDisks(v, disks);
        };
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            migrate(h, plan("", "  - id: vm-0\n"));
            Path copy = dest.diskFileOf("migrated", "vm-0", "disk-1");
            String second = plan("  migrateSharedDisks: false\n", "  - id: vm-1\n")
                    .substring(EngineHarness.providersAndMaps().length()).replace("name: plan1", "name: plan2");
            h.apply(second);
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan2"), "Ready"),
                    "plan2 Ready; status: " + h.get(ResourceKind.PLAN, "plan2").path("status"));
            h.apply(MIGRATION.replace("run1", "run2").replace("name: plan1", "name: plan2"));
            EngineHarness.await(Duration.ofSeconds(90), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan2"), "Succeeded"),
                    "plan2 Succeeded; status: " + h.get(ResourceKind.PLAN, "plan2").path("status"));
            assertThat(dest.diskFileOf("migrated", "vm-1", "disk-1")).isEqualTo(copy);
            assertThat(dest.created.get("vm-1").disks().get(1).attachOnly()).isTrue();
            EngineMigrationTest.assertDiskEquals(copy, source, "vm-0", "disk-1"); // not overwritten by vm-1's disk
        }
    }
}
