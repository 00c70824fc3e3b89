package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.assertStatusMatchesCrds;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static io.hoist.core.engine.EngineMigrationTest.stepNamed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.phase.PhaseSpec;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.ScriptedSourceTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source plugin adds a phase of its own and takes over an engine phase through plugin-api's MigrationPhases. */
class ProviderPhasesTest {
    @Test
    void aContributedPhaseRunsInItsPlaceAndATakenOverPhaseReplacesTheEngines(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble synthetic = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(synthetic);
        source.contributed.add(new PhaseSpec("PrepareImage", "PowerOffSource", "DiskAllocation"));
        source.takenOver.add("PowerOffSource");
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            assertThat(synthetic.powerOffs.get()).as("the engine's power-off did not run: the plugin took it over").isZero();
            for (String vm : new String[] {"vm-0", "vm-1", "vm-2"}) {
                // taken over once, contributed twice (asked to be called again once), in itinerary order
                assertThat(source.phaseCalls.stream().filter(c -> c.startsWith(vm + ":")).toList())
                        .containsExactly(vm + ":PowerOffSource", vm + ":PrepareImage", vm + ":PrepareImage");
                // the second call sees the state the first stored durably
                assertThat(source.statesSeen).contains(vm + ":PrepareImage:{started=image-" + vm + "}");
                EngineMigrationTest.assertDiskEquals(dest.diskFileOf("migrated", vm, "disk-0"), synthetic, vm, "disk-0");
            }
            JsonNode vm0 = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0);
            assertThat(stepNamed(vm0, "DiskAllocation").path("annotations").path("hoist.io/phase.PrepareImage.started").asText())
                    .isEqualTo("image-vm-0");
            assertStatusMatchesCrds(h);
        }
    }

    @Test
    void aContributedPhaseAfterAnUnknownPhaseFailsTheVmWithAClearReason(@TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(3, 1, DISK, 1, true));
        source.contributed.add(new PhaseSpec("PrepareImage", "NoSuchPhase", "DiskAllocation"));
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofSeconds(60), () -> h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").has("completed"),
                    "migration complete");
            assertThat(h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms").get(0).path("error").path("reasons").get(0).asText())
                    .contains("PrepareImage").contains("NoSuchPhase");
        }
    }
}
