package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.Condition;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan controller's MTV conditions, each provoked by a plan that has exactly that problem. */
class PlanConditionsTest {

    static String plan(String type, String vms, String extraSpec) {
        return EngineHarness.providersAndMaps() + """
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: p, namespace: default}
                spec:
                  type: %s
                  targetNamespace: migrated
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                %s
                  vms:
                %s
                """.formatted(type, extraSpec, vms);
    }

    static JsonNode condition(EngineHarness h, String type) {
        for (JsonNode c : h.get(ResourceKind.PLAN, "p").path("status").path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return null;
    }

    static void awaitCondition(EngineHarness h, String type) throws InterruptedException {
        EngineHarness.await(Duration.ofSeconds(30), () -> condition(h, type) != null,
                type + " condition; status: " + h.get(ResourceKind.PLAN, "p").path("status"));
    }

    @Test
    void missingVmIsVMNotFoundAndBlocksReady(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(2, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(plan("cold", "  - id: vm-0\n  - id: vm-9\n", ""));
            awaitCondition(h, "VMNotFound");
            JsonNode c = condition(h, "VMNotFound");
            assertThat(c.path("category").asText()).isEqualTo("Critical");
            assertThat(c.path("items").toString()).contains("vm-9").doesNotContain("vm-0");
            assertThat(condition(h, "Ready")).isNull();
        }
    }

    @Test
    void unmappedNetworkAndStorageAreReported(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(plan("cold", "  - id: vm-0\n", "").replace("{source: {id: net-a}", "{source: {id: net-other}"));
            awaitCondition(h, "VMNetworksNotMapped");
            assertThat(condition(h, "Ready")).isNull();
        }
        try (EngineHarness h = new EngineHarness(tmp.resolve("b"), new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out2")))) {
            h.apply(plan("cold", "  - id: vm-0\n", "").replace("{source: {id: ds-a}", "{source: {id: ds-other}"));
            awaitCondition(h, "VMStorageNotMapped");
        }
    }

    @Test
    void warmOnASourceWithoutSnapshotsIsMigrationTypeNotValid(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble full = new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false);
        // The same source with only the base abilities: no Snapshots, no ChangedAreas.
        SourceProvider coldOnly = new SourceProvider() {
            @Override
            public List<Condition> testConnection() {
                return full.testConnection();
            }

            @Override
            public void collectInventory(InventoryPublisher publisher) {
                full.collectInventory(publisher);
            }

            @Override
            public Optional<SourceVm> describe(VmRef vm) {
                return full.describe(vm);
            }

            @Override
            public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) {
                return full.openDisk(vm, disk, snapshot);
            }

            @Override
            public PowerState powerState(SourceVm vm) {
                return full.powerState(vm);
            }

            @Override
            public void powerOff(SourceVm vm) {
                full.powerOff(vm);
            }

            @Override
            public void powerOn(SourceVm vm) {
                full.powerOn(vm);
            }
        };
        try (EngineHarness h = new EngineHarness(tmp, coldOnly, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(plan("warm", "  - id: vm-0\n", ""));
            awaitCondition(h, "MigrationTypeNotValid");
            assertThat(condition(h, "MigrationTypeNotValid").path("message").asText()).contains("snapshots");
        }
    }

    /** Issue 19 item 8: a Hook accepted with an InvalidPlaybook condition keeps the plans using it from Ready. */
    @Test
    void aHookWhosePlaybookIsNotBase64KeepsItsPlanFromReady(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Hook
                    metadata: {name: pre, namespace: default}
                    spec: {image: quay.io/kubev2v/hook-runner, playbook: "LS0tCi0gbm..."}
                    """);
            h.apply(plan("cold", "  - id: vm-0\n    hooks: [{hook: {name: pre, namespace: default}, step: PreHook}]\n", ""));
            // minutes, ending early: a loaded 2-core machine reconciles slowly
            EngineHarness.await(Duration.ofMinutes(3), () -> condition(h, "HookNotValid") != null,
                    "HookNotValid; status: " + h.get(ResourceKind.PLAN, "p").path("status"));
            JsonNode c = condition(h, "HookNotValid");
            assertThat(c.path("category").asText()).isEqualTo("Critical");
            assertThat(c.path("message").asText()).contains("Hook pre", "not base64");
            JsonNode ready = condition(h, "Ready");
            assertThat(ready == null || !"True".equals(ready.path("status").asText())).as("Ready: " + ready).isTrue();
        }
    }

    @Test
    void hookWithoutAnInstalledRunnerIsHookNotValid(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Hook
                    metadata: {name: pre, namespace: default}
                    spec: {image: quay.io/kubev2v/hook-runner, playbook: ""}
                    """);
            h.apply(plan("cold", "  - id: vm-0\n    hooks: [{hook: {name: pre, namespace: default}, step: PreHook}]\n", ""));
            awaitCondition(h, "HookNotValid");
            assertThat(condition(h, "HookNotValid").path("message").asText()).contains("hook runner");
        }
    }

    @Test
    void aRenderedNameOver63CharactersIsAPlanCondition(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(1, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(plan("cold", "  - id: vm-0\n",
                    "  pvcNameTemplate: \"{{.VmName}}-a-very-long-suffix-that-makes-the-name-longer-than-sixty-three-chars\""));
            awaitCondition(h, "PVCNameNotValid");
            assertThat(condition(h, "PVCNameNotValid").path("message").asText()).contains("pvcNameTemplate");
        }
    }
}
