package io.hoist.core.store.postgresql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.store.ResourceStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test: what the placement epochs cost. A leader's {@link RunEpochs#place} per dispatch, and a node's
 * VM-entry write of {@code batch} entries unguarded and guarded (every entry's run held), side by side in rounds, on a
 * throwaway PostgreSQL with fsync on. Prints wall time per call. Run: see platform-core/store/README.md.
 */
public final class RunEpochsBench {
    private RunEpochsBench() {}

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (PostgresTestServer pg = PostgresTestServer.create();
             PostgresResourceStore store = BenchStores.openSynced(pg)) {
            ObjectNode plan = Resources.MAPPER.createObjectNode();
            plan.putObject("metadata").put("namespace", "ns").put("name", "p");
            store.create(ResourceKind.PLAN, plan);
            RunEpochs epochs = new RunEpochs(store);
            HeldRuns held = new HeldRuns();
            List<ResourceStore.SerializedItem> items = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                String vm = "vm-" + i;
                held.hold(new HeldRuns.Run("ns", "p", "uid", vm, epochs.place(RunEpochs.runKey("uid", vm), "node-a")));
                items.add(new ResourceStore.SerializedItem(vm, "{\"id\":\"" + vm + "\",\"phase\":\"CopyDisks\"}"));
            }
            ResourceStore guarded = store.guardedBy(held);
            for (int round = 0; round < 3; round++) { // the first round warms up
                String tag = round == 0 ? "warm-up " : "";
                long t0 = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    epochs.place(RunEpochs.runKey("uid" + round, "vm-" + i), "node-a");
                }
                report(tag + "place (dispatch)", System.nanoTime() - t0, writes);
                t0 = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    store.writeSerializedItems(ResourceKind.PLAN, "ns", "p", items);
                }
                report(tag + "entries unguarded", System.nanoTime() - t0, writes);
                t0 = System.nanoTime();
                for (int i = 0; i < writes; i++) {
                    guarded.writeSerializedItems(ResourceKind.PLAN, "ns", "p", items);
                }
                report(tag + "entries guarded", System.nanoTime() - t0, writes);
            }
        }
    }

    private static void report(String what, long nanos, int n) {
        System.out.printf("%-28s %d calls: %.2f ms per call%n", what, n, nanos / 1e6 / n);
    }
}
