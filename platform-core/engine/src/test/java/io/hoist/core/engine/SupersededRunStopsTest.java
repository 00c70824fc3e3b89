package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.run.RunPlacement;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM run whose node no longer holds it (the run was placed on another node since) stops on this node at the
 * refusal: no target VM, no failure written, no cleanup of what the other node copies; the other VMs go on.
 */
class SupersededRunStopsTest {
    /** Runs VMs here as in one process, except vm-0: placed on another node since, its checks are refused. */
    static final class PlacedElsewhereTestDouble implements RunPlacement {
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        final Set<String> ended = ConcurrentHashMap.newKeySet();

        @Override
        public String runAddress() {
            return LOCAL.runAddress();
        }

        @Override
        public Optional<String> dispatch(Vertx vertx, Messages.RunVm run, SourceHost host) {
            return LOCAL.dispatch(vertx, run, host);
        }

        @Override
        public boolean runningElsewhere(String migrationUid, String vmId) {
            return refused.contains(vmId); // it lives on the other node
        }

        @Override
        public void checkStillPlaced(Messages.RunVm run) {
            if (run.vmId().equals("vm-0")) {
                refused.add(run.vmId());
                throw new StoreException.Superseded("write refused: VM run " + run.migrationUid() + "/vm-0 placed on another node",
                        Set.of("vm-0"));
            }
        }

        @Override
        public void ended(Messages.RunVm run) {
            ended.add(run.vmId());
        }
    }

    @Test
    void aRunPlacedElsewhereStopsAtCreateVmWithoutFailingOrCleaningUp(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(2, 1, EngineMigrationTest.DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        PlacedElsewhereTestDouble placement = new PlacedElsewhereTestDouble();
        try (EngineHarness h = new EngineHarness(tmp, source, dest, Duration.ofSeconds(15), false)) {
            h.engine.placement(placement).start();
            h.apply(PlanFieldsEngineTest.plan("", "    - id: vm-0\n    - id: vm-1"));
            h.apply(PlanFieldsEngineTest.MIGRATION);
            EngineHarness.await(Duration.ofSeconds(90), () -> placement.ended.containsAll(Set.of("vm-0", "vm-1")),
                    () -> "both runs ended; status: " + h.get(ResourceKind.PLAN, "plan1").path("status"));

            JsonNode vms = h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms");
            JsonNode vm0 = vms.get(0);
            JsonNode vm1 = vms.get(1);
            assertThat(vm1.path("phase").asText()).isEqualTo("Completed");
            assertThat(vm0.path("phase").asText()).as("stopped where it was refused").isEqualTo("CreateVm");
            assertThat(vm0.has("completed")).as("not ended: it goes on on the other node").isFalse();
            assertThat(vm0.has("error")).isFalse();
            assertThat(vm0.path("conditions").toString()).doesNotContain("Failed", "Canceled");
            assertThat(dest.created).containsKey("vm-1").doesNotContainKey("vm-0");
            assertThat(dest.cleanupCalls).as("nothing the other node copies is cleaned up").noneMatch(c -> c.startsWith("vm-0"));
            assertThat(Files.exists(dest.diskFileOf("migrated", "vm-0", "disk-0"))).isTrue();
        }
    }
}
