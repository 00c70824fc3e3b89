package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concerns written onto an inventory VM the way the validation service writes them
 * ({@code Inventory.annotate(uid, "vms", id, "concerns", ...)}) become the plan's VMCriticalConcerns
 * condition; Warning concerns do not.
 */
class ValidationConcernsConditionTest {
    @Test
    void criticalConcernOnAnnotatedVmBlocksThePlan(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(2, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(EngineHarness.providersAndMaps());
            EngineHarness.await(Duration.ofSeconds(30), () -> !h.inventory.providers("synthetic").isEmpty()
                    && h.inventory.providers("synthetic").get(0).revision() > 0, "synthetic inventory");
            String uid = h.inventory.providers("synthetic").get(0).ref().uid();
            EngineHarness.await(Duration.ofSeconds(30), () -> h.inventory.get(uid, "vms", "vm-1").isPresent(), "vm-1 in inventory");
            assertThat(h.inventory.annotate(uid, "vms", "vm-0", "concerns", List.of(Map.of("id", "vmware.disk.rdm.detected",
                    "category", "Critical", "label", "Raw Device Mapped disk [ds] a.vmdk", "assessment", "RDM")))).isTrue();
            assertThat(h.inventory.annotate(uid, "vms", "vm-1", "concerns", List.of(Map.of("id", "vmware.tpm.detected",
                    "category", "Warning", "label", "TPM detected", "assessment", "TPM")))).isTrue();

            h.apply(PlanConditionsTest.plan("cold", "  - id: vm-0\n  - id: vm-1\n", "").replace(EngineHarness.providersAndMaps() + "---\n", ""));
            PlanConditionsTest.awaitCondition(h, "VMCriticalConcerns");
            JsonNode c = PlanConditionsTest.condition(h, "VMCriticalConcerns");
            assertThat(c.path("category").asText()).isEqualTo("Critical");
            assertThat(c.path("message").asText()).contains("Raw Device Mapped disk");
            assertThat(c.path("items").toString()).contains("vm-0").doesNotContain("vm-1");
            assertThat(PlanConditionsTest.condition(h, "Ready")).isNull();
        }
    }

    /**
     * Concerns that arrive after the plan was evaluated (validation runs behind inventory collection) reach the
     * plan through the inventory's change events, long before the engine's 15 s level-triggered resync.
     */
    @Test
    void concernsArrivingLaterReachThePlanWithinSeconds(@TempDir Path tmp) throws Exception {
        try (EngineHarness h = new EngineHarness(tmp, new SyntheticSourceTestDouble(2, 1, 1 << 20, 1, false),
                new FolderDestinationTestDouble(tmp.resolve("out")), Duration.ofMinutes(10))) {
            h.apply(PlanConditionsTest.plan("cold", "  - id: vm-0\n  - id: vm-1\n", ""));
            PlanConditionsTest.awaitCondition(h, "Ready");
            String uid = h.inventory.providers("synthetic").get(0).ref().uid();
            // Let the start-up churn (provider status, collection done) settle, so no pass is already queued.
            String version = "";
            long stableSince = System.nanoTime();
            while (Duration.ofNanos(System.nanoTime() - stableSince).toMillis() < 3_000) {
                String now = h.get(ResourceKind.PLAN, "p").path("metadata").path("resourceVersion").asText()
                        + "/" + h.get(ResourceKind.PROVIDER, "src").path("metadata").path("resourceVersion").asText();
                if (!now.equals(version)) {
                    version = now;
                    stableSince = System.nanoTime();
                }
                Thread.sleep(100);
            }

            assertThat(h.inventory.annotate(uid, "vms", "vm-1", "concerns", List.of(Map.of("id", "vmware.disk.rdm.detected",
                    "category", "Critical", "label", "Raw Device Mapped disk [ds] b.vmdk", "assessment", "RDM")))).isTrue();
            EngineHarness.await(Duration.ofSeconds(6), () -> PlanConditionsTest.condition(h, "VMCriticalConcerns") != null
                    && PlanConditionsTest.condition(h, "Ready") == null, "VMCriticalConcerns replacing Ready");

            assertThat(h.inventory.annotate(uid, "vms", "vm-1", "concerns", List.of())).isTrue();
            EngineHarness.await(Duration.ofSeconds(6), () -> PlanConditionsTest.condition(h, "Ready") != null
                    && PlanConditionsTest.condition(h, "VMCriticalConcerns") == null, "Ready again once the concern is gone");
        }
    }
}
