package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.controller.MigrationController;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.Timestamps;
import io.hoist.core.model.resource.Plan;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: a Migration's start stores its first VM entries with the plan's run record and the others in
 * batches while the first VMs already run. A process killed between those writes leaves a started run whose plan
 * lacks some entries: the next engine writes the missing ones and migrates those VMs too (each once), instead of
 * closing the run on the entries it finds.
 */
class MigrationStartInBatchesTest {
    @Test
    void aRunWhoseStartWroteOnlyItsFirstEntriesMigratesEveryVmAfterARestart(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
        }
        try (EngineHarness h = new EngineHarness(tmp, source, dest, Duration.ofSeconds(15), false)) {
            // What a start killed after its first write leaves: run1 started, the plan Executing for run1 with vm-0's
            // entry only (vm-1 and vm-2 were in the batches not yet written).
            h.apply(migration(null));
            ObjectNode run1 = h.get(ResourceKind.MIGRATION, "run1");
            String now = Timestamps.now();
            ((ObjectNode) run1.with("status")).put("started", now);
            h.store.updateStatus(ResourceKind.MIGRATION, run1);
            ObjectNode plan = h.get(ResourceKind.PLAN, "plan1");
            Plan typed = Resources.MAPPER.convertValue(plan, Plan.class);
            ObjectNode snapshot = ((ObjectNode) plan.with("status")).putObject("migration");
            snapshot.put("started", now);
            ObjectNode history = snapshot.putArray("history").addObject();
            history.putObject("migration").put("uid", run1.path("metadata").path("uid").asText()).put("name", "run1")
                    .put("namespace", "default").put("generation", 1);
            history.putObject("plan").put("uid", plan.path("metadata").path("uid").asText()).put("name", "plan1")
                    .put("namespace", "default").put("generation", plan.path("metadata").path("generation").asLong());
            snapshot.putArray("vms").add(Resources.MAPPER.valueToTree(
                    MigrationController.newEntry(typed, typed.spec.vms.get(0), "vm-0", now, null)));
            Conditions.setInStatus(plan, io.hoist.core.model.meta.Condition.of("Executing", "True", "Advisory", "Started",
                    "The plan is EXECUTING."), Instant.now());
            h.store.updateStatus(ResourceKind.PLAN, plan);

            h.engine.start();
            EngineHarness.await(Duration.ofMinutes(3), () -> h.get(ResourceKind.MIGRATION, "run1").path("status").has("completed"),
                    "run1 completed");
            JsonNode vms = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms");
            assertThat(vms).extracting(v -> v.path("id").asText()).containsExactlyInAnyOrder("vm-0", "vm-1", "vm-2");
            for (JsonNode vm : vms) {
                assertThat(vm.path("conditions")).as(vm.path("id").asText() + " Succeeded")
                        .anySatisfy(c -> {
                            assertThat(c.path("type").asText()).isEqualTo("Succeeded");
                            assertThat(c.path("status").asText()).isEqualTo("True");
                        });
            }
            for (String id : java.util.List.of("vm-0", "vm-1", "vm-2")) {
                assertThat(dest.creations.get(id)).as(id + " created").isNotNull();
                assertThat(dest.creations.get(id).get()).as(id + " created once").isEqualTo(1);
            }
            assertThat(Conditions.isTrue(h.get(ResourceKind.MIGRATION, "run1"), "Succeeded")).isTrue();
        }
    }
}
