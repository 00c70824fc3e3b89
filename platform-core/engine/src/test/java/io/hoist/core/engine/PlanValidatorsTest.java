package io.hoist.core.engine;

import static io.hoist.core.engine.PlanConditionsTest.awaitCondition;
import static io.hoist.core.engine.PlanConditionsTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.run.OsMaps;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Provider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTV's Go-side plan validators and the conditions for fields Hoist cannot honour: each VM of the plan has exactly
 * one problem, and each condition names the VMs it is about (items) and, for fields, the field.
 */
class PlanValidatorsTest {

    static SourceVm with(SourceVm v, List<SourceDisk> disks, PowerState power) {
        return new SourceVm(v.id(), v.name(), v.sockets(), v.coresPerSocket(), v.threadsPerCore(), v.memoryBytes(), v.firmware(),
                v.secureBoot(), power, v.hostId(), v.osType(), disks, v.nics(), v.cpuModel(), v.identity(), v.checks());
    }

    static SourceDisk disk(SourceDisk d, long capacity, String bus, boolean shared) {
        return new SourceDisk(d.id(), shared ? "[ds-a] cluster/quorum.vmdk" : d.name(), capacity, d.storageId(), bus, shared,
                d.bootOrder(), null, null, shared ? "[ds-a] cluster/quorum.vmdk" : null);
    }

    static List<String> items(EngineHarness h, String type) {
        JsonNode c = condition(h, type);
        List<String> out = new ArrayList<>();
        if (c != null) {
            c.path("items").forEach(i -> out.add(i.asText()));
        }
        return out;
    }

    @Test
    void everyValidatorIsAConditionNamingItsVms(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(8, 1, 1 << 20, 1, false);
        source.reshape = v -> {
            SourceDisk d = v.disks().get(0);
            return switch (v.id()) {
                case "vm-0" -> v.withChecks(new SourceVm.Checks(true, null, null, false));
                case "vm-1" -> v.withChecks(new SourceVm.Checks(false, List.of(), null, false)); // guest reports no IPs
                case "vm-2" -> with(v, List.of(disk(d, 0, "scsi", false)), v.powerState());
                case "vm-3" -> with(v, List.of(disk(d, d.capacity(), "nvme", false)), v.powerState());
                case "vm-4" -> with(v, List.of(disk(d, d.capacity(), "scsi", true)), v.powerState())
                        .withChecks(new SourceVm.Checks(false, null, List.of("db-a", "db-b"), false));
                case "vm-7" -> v.withChecks(new SourceVm.Checks(false, null, null, true)); // snapshots, cold plan
                default -> v; // vm-5: LUKS and Clevis; vm-6: fine
            };
        };
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply("""
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: luks-keys, namespace: default}
                    type: Opaque
                    data: {}
                    ---
                    """ + PlanConditionsTest.plan("cold", """
                      - id: vm-0
                      - id: vm-1
                      - id: vm-2
                      - id: vm-3
                      - id: vm-4
                      - id: vm-5
                        luks: {name: luks-keys, namespace: default}
                        nbdeClevis: true
                        rdmAsLun: true
                      - id: vm-6
                      - id: vm-7
                    """, """
                      customizationScripts: {name: scripts, namespace: default}
                      conversionTempStorageSize: 10Gi
                      diskBus: scsi
                      xfsCompatibility: true
                      serviceAccount: migrator
                      tagMapping: {labelTags: [env]}
                      transferNetwork: {name: storage-net, namespace: elsewhere}
                    """));
            awaitCondition(h, "UnsupportedDisks");
            assertThat(items(h, "HostNotReady")).containsExactly("vm-0");
            assertThat(condition(h, "HostNotReady").path("category").asText()).isEqualTo("Warn");
            assertThat(items(h, "VMMissingGuestIPs")).containsExactly("vm-1");
            assertThat(items(h, "InvalidDiskSizes")).containsExactly("vm-2");
            assertThat(items(h, "UnsupportedDisks")).containsExactly("vm-3");
            assertThat(condition(h, "UnsupportedDisks").path("message").asText()).contains("NVMe");
            assertThat(items(h, "SharedDisks")).containsExactly("vm-4");
            assertThat(condition(h, "SharedDisks").path("message").asText()).contains("db-a", "db-b");
            assertThat(items(h, "LuksAndClevisIncompatibility")).containsExactly("vm-5");
            assertThat(items(h, "LuksNotSupported")).containsExactly("vm-5");
            assertThat(items(h, "RdmAsLunNotApplied")).contains("vm-5");
            assertThat(items(h, "VMHasSnapshots")).containsExactly("vm-7");
            assertThat(condition(h, "VMHasSnapshots").path("category").asText()).isEqualTo("Critical");
            // the fields Hoist does not honour, each naming itself
            assertThat(condition(h, "CustomizationScriptsNotSupported").path("category").asText()).isEqualTo("Critical");
            assertThat(condition(h, "CustomizationScriptsNotSupported").path("message").asText()).contains("spec.customizationScripts");
            assertThat(condition(h, "ConversionTempStorageSizeNotApplied").path("message").asText()).contains("spec.conversionTempStorageSize");
            assertThat(condition(h, "DeprecatedField").path("message").asText()).contains("spec.diskBus");
            assertThat(condition(h, "XfsCompatibilityNotApplied").path("message").asText()).contains("spec.xfsCompatibility");
            assertThat(condition(h, "ServiceAccountNotApplied").path("message").asText()).contains("spec.serviceAccount");
            assertThat(condition(h, "TagMappingNotApplied").path("message").asText()).contains("spec.tagMapping");
            assertThat(condition(h, "TransferNetworkNotValid").path("category").asText()).isEqualTo("Critical");
            // a healthy VM is in no condition, and the Critical ones keep the plan from Ready
            for (JsonNode c : h.get(ResourceKind.PLAN, "p").path("status").path("conditions")) {
                assertThat(c.path("items").toString()).doesNotContain("vm-6");
            }
            assertThat(Conditions.isTrue(h.get(ResourceKind.PLAN, "p"), "Ready")).isFalse();
        }
    }

    @Test
    void namespaceWarmSharedDisksAndRdmFieldsAtPlanLevel(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false);
        source.reshape = v -> with(v, List.of(disk(v.disks().get(0), 1 << 20, "scsi", true)), v.powerState());
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(PlanConditionsTest.plan("warm", "  - id: vm-0\n", """
                      rdmAsLun: true
                      runPreflightInspection: true
                    """).replace("targetNamespace: migrated", "targetNamespace: Not_A_Label"));
            awaitCondition(h, "SharedDisks"); // VM conditions come once the source answers
            assertThat(condition(h, "NamespaceNotValid").path("category").asText()).isEqualTo("Critical");
            assertThat(items(h, "SharedDisks")).containsExactly("vm-0");
            assertThat(condition(h, "SharedDisks").path("message").asText()).contains("warm");
            assertThat(condition(h, "RdmAsLunNotApplied").path("message").asText()).contains("spec.rdmAsLun");
            assertThat(condition(h, "PreflightInspectionNotApplied").path("message").asText()).contains("spec.runPreflightInspection");
        }
    }

    @Test
    void aRunningVmCannotGoLiveWhenOffAndTheOsMapSettingIsChecked(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false);
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(PlanConditionsTest.plan("live", "  - id: vm-0\n", ""));
            awaitCondition(h, "VMPowerStateUnsupported");
            assertThat(items(h, "VMPowerStateUnsupported")).containsExactly("vm-0");

            // A ForkliftController naming an OS map ConfigMap that does not exist: MTV's default map, and a reason.
            h.apply("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: ForkliftController
                    metadata: {name: forklift-controller, namespace: openshift-mtv}
                    spec: {vsphere_osmap_configmap_name: my-osmap}
                    """);
            OsMaps.Resolved missing = OsMaps.forType(h.store, Provider.TYPE_VSPHERE);
            assertThat(missing.problem()).hasValueSatisfying(p -> assertThat(p).contains("my-osmap", "vsphere_osmap_configmap_name"));
            assertThat(missing.map()).containsEntry("rhel9_64Guest", "rhel.9");
            h.apply("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: my-osmap, namespace: openshift-mtv}
                    data: {rhel9_64Guest: my-rhel9}
                    """);
            OsMaps.Resolved found = OsMaps.forType(h.store, Provider.TYPE_VSPHERE);
            assertThat(found.problem()).isEmpty();
            assertThat(found.map()).containsExactlyEntriesOf(java.util.Map.of("rhel9_64Guest", "my-rhel9"));
        }
    }
}
