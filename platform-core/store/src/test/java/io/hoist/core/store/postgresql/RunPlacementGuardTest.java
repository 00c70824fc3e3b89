package io.hoist.core.store.postgresql;

import static io.hoist.core.store.ResourceStoreContractTest.plan;
import static io.hoist.core.store.ResourceStoreContractTest.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The placement epoch guard on a real PostgreSQL, two stores on one database standing for two nodes: node A was sent
 * a VM's run at epoch 1, the leader then placed it on node B (epoch 2). A's VM-entry write, checkpoint save and
 * placement check are refused, writing nothing; B's pass; entries of runs A does not hold are not checked.
 */
class RunPlacementGuardTest {
    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private static final String MIGRATION = "6f1c2a9e-0000-4000-8000-000000000001";

    @Test
    void aStaleNodesEntryWriteCheckpointSaveAndCreateCheckAreRefusedTheCurrentNodesPass() throws Exception {
        PostgresLocation db = PostgresLocation.parse(POSTGRES.server().newDatabase(),
                Map.of("PGPASSWORD", POSTGRES.server().password()));
        try (PostgresResourceStore leader = PostgresResourceStore.open(db);
             PostgresResourceStore nodeA = PostgresResourceStore.open(db);
             PostgresResourceStore nodeB = PostgresResourceStore.open(db)) {
            leader.create(ResourceKind.PLAN, plan("ns", "p", "d"));
            RunEpochs epochs = new RunEpochs(leader);
            String key = RunEpochs.runKey(MIGRATION, "vm-1");
            long first = epochs.place(key, "a");
            HeldRuns heldA = new HeldRuns();
            heldA.hold(new HeldRuns.Run("ns", "p", MIGRATION, "vm-1", first));
            var storeA = nodeA.guardedBy(heldA);
            var checkpointsA = new PostgresCheckpointStore(nodeA, heldA);
            String disk = (MIGRATION + "/vm-1/disk-0").replace('/', '_'); // as the copier names its checkpoint
            // while A holds the newest placement, its writes pass
            storeA.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("vm-1", "CopyDisks")));
            checkpointsA.save(disk, PostgresCheckpointStoreTest.cp("fp", 2, 1));

            long second = epochs.place(key, "b");
            assertThat(second).isEqualTo(first + 1);
            HeldRuns heldB = new HeldRuns();
            HeldRuns.Run runB = new HeldRuns.Run("ns", "p", MIGRATION, "vm-1", second);
            heldB.hold(runB);
            String rvBefore = leader.get(ResourceKind.PLAN, "ns", "p").orElseThrow().path("metadata").path("resourceVersion").asText();

            assertThatThrownBy(() -> storeA.writeItems(ResourceKind.PLAN, "ns", "p",
                    List.of(vm("vm-1", "Failed"), vm("vm-2", "CopyDisks"))))
                    .isInstanceOfSatisfying(StoreException.Superseded.class, e -> assertThat(e.vmIds()).containsExactly("vm-1"))
                    .hasMessageContaining(key + " (epoch " + first + ")");
            assertThat(leader.item(ResourceKind.PLAN, "ns", "p", "vm-1").orElseThrow().path("phase").asText())
                    .as("nothing of the refused write is stored").isEqualTo("CopyDisks");
            assertThat(leader.item(ResourceKind.PLAN, "ns", "p", "vm-2")).as("nor the other entries of its batch").isEmpty();
            assertThat(leader.get(ResourceKind.PLAN, "ns", "p").orElseThrow().path("metadata").path("resourceVersion").asText())
                    .isEqualTo(rvBefore);
            assertThatThrownBy(() -> checkpointsA.save(disk, PostgresCheckpointStoreTest.cp("fp", 5, 1)))
                    .hasRootCauseInstanceOf(StoreException.Superseded.class).hasMessageContaining("disk " + disk);
            assertThat(new PostgresCheckpointStore(leader).load(disk).orElseThrow().blocksDone()).isEqualTo(2);
            assertThatThrownBy(() -> epochs.check(heldA.ofPlan("ns", "p", List.of("vm-1")).getFirst()))
                    .isInstanceOf(StoreException.Superseded.class);
            // A's entries of runs it does not hold are not checked
            storeA.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("vm-3", "Started")));

            // the node the run was placed on last writes, saves and creates
            nodeB.guardedBy(heldB).writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("vm-1", "CopyDisks-2")));
            new PostgresCheckpointStore(nodeB, heldB).save(disk, PostgresCheckpointStoreTest.cp("fp", 5, 1));
            epochs.check(runB);
            assertThat(leader.item(ResourceKind.PLAN, "ns", "p", "vm-1").orElseThrow().path("phase").asText()).isEqualTo("CopyDisks-2");
            assertThat(new PostgresCheckpointStore(leader).load(disk).orElseThrow().blocksDone()).isEqualTo(5);
        }
    }
}
