package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.DISK;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.ScriptedSourceTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 4: plan passes read VM descriptions once per source inventory revision, not one live call per VM per
 * pass (on vSphere a SOAP call per VM every 15 s).
 */
class PlanValidationLookupsTest {
    @Test
    void repeatedPlanPassesMakeNoNewLiveCallsWhileTheInventoryIsUnchanged(@TempDir Path tmp) throws Exception {
        ScriptedSourceTestDouble source = new ScriptedSourceTestDouble(new SyntheticSourceTestDouble(3, 1, DISK, 1, true));
        try (EngineHarness h = new EngineHarness(tmp, source, new FolderDestinationTestDouble(tmp.resolve("out")))) {
            h.apply(manifests("cold", null));
            EngineHarness.await(Duration.ofSeconds(30), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            Thread.sleep(1500); // the passes triggered by the plan's own creation are over
            int before = source.describeCalls.get();
            assertThat(before).as("the first pass described each VM").isGreaterThanOrEqualTo(3);
            for (int pass = 0; pass < 3; pass++) {
                touch(h, "pass-" + pass); // a metadata change: a new plan pass
                Thread.sleep(1300);       // passes over one object are at least 1 s apart
            }
            assertThat(Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready")).isTrue();
            assertThat(source.describeCalls.get() - before).as("live describe calls during three more passes").isZero();
        }
    }

    private static void touch(EngineHarness h, String value) {
        for (int attempt = 0; ; attempt++) {
            ObjectNode plan = h.get(ResourceKind.PLAN, "plan1");
            plan.with("metadata").with("labels").put("touched", value);
            try {
                h.store.update(ResourceKind.PLAN, plan);
                return;
            } catch (StoreException.Conflict c) {
                assertThat(attempt).isLessThan(20);
            }
        }
    }
}
