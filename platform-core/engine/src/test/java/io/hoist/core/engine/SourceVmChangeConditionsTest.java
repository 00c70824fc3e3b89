package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.SourceVmChange;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source reports, through the HostContext the engine gave it, that a VM changed under the running migration: the
 * engine shows it on that VM's status (plan and Migration) as an MTV condition valid against the CRDs, replaces an
 * earlier report of the same type, keeps it when the VM then fails, and ignores reports about VMs it is not migrating.
 */
class SourceVmChangeConditionsTest {

    /** The synthetic source, reporting changes from {@code openDisk} as a plugin would when it notices them there. */
    static final class ReportingSourceTestDouble implements SourceProvider {
        final SyntheticSourceTestDouble inner = new SyntheticSourceTestDouble(2, 1, 1L << 20, 1, false);
        final AtomicReference<EngineHarness> harness = new AtomicReference<>();

        @Override public List<io.hoist.api.Condition> testConnection() { return inner.testConnection(); }
        @Override public void collectInventory(InventoryPublisher publisher) { inner.collectInventory(publisher); }
        @Override public Optional<SourceVm> describe(VmRef vm) { return inner.describe(vm); }
        @Override public PowerState powerState(SourceVm vm) { return inner.powerState(vm); }
        @Override public void powerOff(SourceVm vm) { inner.powerOff(vm); }
        @Override public void powerOn(SourceVm vm) { inner.powerOn(vm); }

        @Override
        public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) {
            var changes = harness.get().sourceContext.sourceVmChanges();
            changes.report(new SourceVmChange("vm-9", "VMMovedDuringMigration", Condition.Category.Warn, "HostChanged",
                    "a VM of this provider no migration runs"));
            if (vm.id().equals("vm-0")) {
                changes.report(new SourceVmChange("vm-0", "VMMovedDuringMigration", Condition.Category.Warn, "HostChanged",
                        "VM vm-0 moved from host h-0 to h-1 during the migration; its disks are read through h-1"));
                changes.report(new SourceVmChange("vm-0", "VMMovedDuringMigration", Condition.Category.Warn, "HostChanged",
                        "VM vm-0 moved from host h-0 to h-2 during the migration; its disks are read through h-2"));
                return inner.openDisk(vm, disk, snapshot);
            }
            changes.report(new SourceVmChange("vm-1", "VMSnapshottedDuringMigration", Condition.Category.Critical,
                    "ForeignSnapshot", "VM vm-1 got snapshot 'backup' from someone else during the migration"));
            throw new HoistException(HoistException.Type.USER_ERROR, "VMSnapshottedDuringMigration", "snapshot 'backup'");
        }
    }

    @Test
    void aChangeReportedMidRunIsAConditionOnThatVmsStatus(@TempDir Path tmp) throws Exception {
        ReportingSourceTestDouble source = new ReportingSourceTestDouble();
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            source.harness.set(h);
            h.apply(EngineMigrationTest.manifests("cold", null).replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]",
                    "vms: [{id: vm-0}, {name: vm-1}]"));
            EngineHarness.await(Duration.ofMinutes(2), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"),
                    "plan Ready");
            h.apply(EngineMigrationTest.migration(null));
            EngineHarness.await(Duration.ofMinutes(3), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Failed"),
                    "plan Failed (vm-1); status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));

            JsonNode vm0 = vm(h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms"), "vm-0");
            assertThat(vm0.path("phase").asText()).isEqualTo("Completed");
            List<JsonNode> moved = conditions(vm0, "VMMovedDuringMigration");
            assertThat(moved).singleElement().satisfies(c -> {
                assertThat(c.path("status").asText()).isEqualTo("True");
                assertThat(c.path("category").asText()).isEqualTo("Warn");
                assertThat(c.path("reason").asText()).isEqualTo("HostChanged");
                assertThat(c.path("message").asText()).contains("to h-2"); // the later report replaced the first
                assertThat(c.path("lastTransitionTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            });
            assertThat(conditions(vm0, "VMSnapshottedDuringMigration")).isEmpty();

            JsonNode vm1 = vm(h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms"), "vm-1");
            assertThat(conditions(vm1, "Failed")).hasSize(1);
            assertThat(conditions(vm1, "VMSnapshottedDuringMigration")).singleElement().satisfies(c -> {
                assertThat(c.path("category").asText()).isEqualTo("Critical");
                assertThat(c.path("reason").asText()).isEqualTo("ForeignSnapshot");
            });
            assertThat(conditions(vm1, "VMMovedDuringMigration")).isEmpty();

            // the Migration's copy of the entries carries it too (mirrored within seconds)
            EngineHarness.await(Duration.ofMinutes(1), () -> !conditions(vm(h.get(ResourceKind.MIGRATION, "run1")
                    .path("status").path("vms"), "vm-0"), "VMMovedDuringMigration").isEmpty(), "condition on the Migration");
            EngineMigrationTest.assertStatusMatchesCrds(h);
        }
    }

    private static JsonNode vm(JsonNode vms, String id) {
        return StreamSupport.stream(vms.spliterator(), false).filter(v -> id.equals(v.path("id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no entry for " + id + " in " + vms));
    }

    private static List<JsonNode> conditions(JsonNode vm, String type) {
        return StreamSupport.stream(vm.path("conditions").spliterator(), false)
                .filter(c -> type.equals(c.path("type").asText())).toList();
    }
}
