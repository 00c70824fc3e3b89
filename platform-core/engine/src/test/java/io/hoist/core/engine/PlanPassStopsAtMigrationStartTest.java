package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.testdoubles.DiscardingDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: a plan validation pass under way when a Migration starts the plan stops, instead of validating
 * every VM while the first ones wait for the CPU to copy (in a 5,000-VM plan it was 41% of the CPU before the first
 * copy). The pass here validates 300 VMs added to a Ready plan, each target check taking 20 ms on the pass's thread;
 * the Migration starts after the first few.
 */
class PlanPassStopsAtMigrationStartTest {
    private static final int ADDED = 300;

    @TempDir
    Path dir;

    @Test
    void aValidationPassUnderWayStopsWhenAMigrationStartsThePlan() throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(ADDED + 2, 1, 64 * 1024, 2, false);
        DiscardingDestinationTestDouble destination = new DiscardingDestinationTestDouble();
        AtomicInteger passChecks = new AtomicInteger();
        destination.onValidateTarget = spec -> {
            // Plan validation checks each VM's target once (then remembers it for a minute); VM runs do not ask.
            if (Thread.currentThread().getName().startsWith("hoist-reconcile")) {
                passChecks.incrementAndGet();
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (EngineHarness h = new EngineHarness(dir, source, destination, Duration.ofMinutes(10))) {
            h.apply(EngineHarness.providersAndMaps() + """
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Plan
                    metadata: {name: p, namespace: default}
                    spec:
                      targetNamespace: migrated
                      provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                      map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                      vms: [{id: vm-0}, {id: vm-1}]
                    """);
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.getWithoutItems(ResourceKind.PLAN, "p"), "Ready"),
                    "plan Ready");

            // More VMs: a new pass checks their targets (slowly) while the plan is still Ready from the last one.
            ObjectNode plan = h.getWithoutItems(ResourceKind.PLAN, "p");
            ArrayNode vms = (ArrayNode) plan.path("spec").path("vms");
            for (int i = 2; i < ADDED + 2; i++) {
                vms.addObject().put("id", "vm-" + i);
            }
            h.store.update(ResourceKind.PLAN, plan);
            EngineHarness.await(Duration.ofSeconds(60), () -> passChecks.get() >= 5, "the pass checking the added VMs");

            h.apply("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Migration
                    metadata: {name: run, namespace: default}
                    spec: {plan: {name: p, namespace: default}}
                    """);
            EngineHarness.await(Duration.ofSeconds(60),
                    () -> Conditions.isTrue(h.getWithoutItems(ResourceKind.PLAN, "p"), Conditions.EXECUTING), "plan Executing");
            int atStart = passChecks.get();
            // Settled: no target checked by a pass for a second.
            int seen;
            do {
                seen = passChecks.get();
                Thread.sleep(1000);
            } while (passChecks.get() != seen);
            assertThat(passChecks.get())
                    .as("added VMs whose target the pass checked (%d when the plan was seen Executing)", atStart)
                    .isLessThan(ADDED / 2);
            // Let the migration end before the harness closes: copies still saving checkpoints into the temporary
            // directory while JUnit deletes it made the cleanup fail.
            EngineHarness.await(Duration.ofMinutes(5), () -> {
                ObjectNode p = h.getWithoutItems(ResourceKind.PLAN, "p");
                return Conditions.isTrue(p, Conditions.SUCCEEDED) || Conditions.isTrue(p, Conditions.FAILED);
            }, "the migration ended");
        }
    }
}
