package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 1: Migrations of one plan created at once and back to back each reach a final state, and a plan
 * left Executing by a Migration that is over (the quick start's stuck state) blocks no later Migration.
 */
class MigrationRaceTest {
    private static boolean completed(EngineHarness h, String name) {
        return h.store.get(ResourceKind.MIGRATION, "default", name).map(m -> m.path("status").has("completed")).orElse(false);
    }

    private static void awaitAllCompleted(EngineHarness h, List<String> names) throws InterruptedException {
        EngineHarness.await(Duration.ofSeconds(120), () -> names.stream().allMatch(n -> completed(h, n)),
                "every Migration completed: " + names.stream().map(n -> n + "=" + h.get(ResourceKind.MIGRATION, n).path("status")).toList());
    }

    @Test
    void concurrentAndBackToBackMigrationsEachFinish(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            List<String> names = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "together-" + i;
                names.add(name);
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        h.apply(migration(null).replace("name: run1", "name: " + name));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            awaitAllCompleted(h, names);
            for (int i = 0; i < 3; i++) {
                String name = "next-" + i;
                names.add(name);
                h.apply(migration(null).replace("name: run1", "name: " + name)); // no wait between them
            }
            awaitAllCompleted(h, names);
            // the Migration completes first, the plan's next pass then drops Executing: wait for that pass
            EngineHarness.await(Duration.ofSeconds(30), () -> !Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Executing"),
                    "plan no longer Executing; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));
            JsonNode plan = h.get(ResourceKind.PLAN, "plan1");
            assertThat(Conditions.isTrue(plan, "Executing")).isFalse();
            assertThat(Conditions.isTrue(plan, "Succeeded")).isTrue();
            assertThat(source.powerOffs.get()).as("each VM migrated once: later Migrations find them Succeeded").isEqualTo(3);
        }
    }

    @Test
    void aMigrationWhoseStartWasInterruptedAfterThePlanWriteFinishesInsteadOfBlockingItself(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            awaitAllCompleted(h, List.of("run1"));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded"), "plan Succeeded");
        }
        // The quick start's stuck state: run2's start wrote the plan (Executing, run2 in the history) and the
        // process stopped before run2 itself was marked started.
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")),
                Duration.ofSeconds(15), false)) {
            h.apply(migration(null).replace("name: run1", "name: run2"));
            ObjectNode run2 = h.get(ResourceKind.MIGRATION, "run2");
            ObjectNode plan = h.get(ResourceKind.PLAN, "plan1");
            ObjectNode snapshot = (ObjectNode) plan.path("status").path("migration");
            snapshot.put("started", io.hoist.core.model.Timestamps.now());
            snapshot.remove("completed");
            ObjectNode entry = ((com.fasterxml.jackson.databind.node.ArrayNode) snapshot.path("history")).addObject();
            entry.set("plan", snapshot.path("history").get(0).path("plan").deepCopy());
            entry.putObject("migration").put("uid", run2.path("metadata").path("uid").asText()).put("name", "run2")
                    .put("namespace", "default").put("generation", 1);
            Conditions.setInStatus(plan, io.hoist.core.model.meta.Condition.of("Executing", "True", "Advisory", "Started",
                    "The plan is EXECUTING."), java.time.Instant.now());
            h.store.updateStatus(ResourceKind.PLAN, plan);
            h.engine.start();
            awaitAllCompleted(h, List.of("run2"));
            assertThat(h.get(ResourceKind.MIGRATION, "run2").path("status").toString()).doesNotContain("Blocked");
            EngineHarness.await(Duration.ofSeconds(30), () -> !Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Executing"),
                    "plan no longer Executing");
        }
    }
}
