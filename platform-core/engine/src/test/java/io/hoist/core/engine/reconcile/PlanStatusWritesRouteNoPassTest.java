package io.hoist.core.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 6: the engine's own writes of a Plan's status (Ready, a Migration's start) route no pass over the plan
 * (in a 5,000-VM plan that pass re-validated every VM while the first copies waited); a spec, label or annotation
 * change and a deletion still do. Real SQLite store and watch; the router's targets are recorded.
 */
class PlanStatusWritesRouteNoPassTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Records what the router asks for; the rest of the engine is not needed here. */
    static final class RecordingTargetsTestDouble implements WatchRouter.Targets {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void enqueue(Messages.Reconcile r) {
            calls.add("pass " + r.kind() + " " + r.name());
        }

        @Override
        public void providerDeleted(String uid, String type) {
            calls.add("providerDeleted");
        }

        @Override
        public void planDeleted(Messages.PlanKey plan) {
            calls.add("planDeleted " + plan.name());
        }

        @Override
        public void migrationDeleted(String migrationUid, Messages.PlanKey plan) {
            calls.add("migrationDeleted");
        }

        @Override
        public void migrationChanged(String migrationUid) {
            calls.add("migrationChanged");
        }

        @Override
        public void settingsChanged() {
            calls.add("settingsChanged");
        }
    }

    @Test
    void statusWritesOfAPlanRouteNoPassButSpecLabelAndDeleteDo() throws Exception {
        ExecutorService serial = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        RecordingTargetsTestDouble targets = new RecordingTargetsTestDouble();
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            WatchRouter router = new WatchRouter(store, targets, serial, timer);
            try (ResourceStore.Watch w = store.watchWithoutItems(null, null, store.currentVersion(), router.listener())) {
                ObjectNode plan = JSON.createObjectNode();
                plan.putObject("metadata").put("namespace", "ns").put("name", "p");
                plan.putObject("spec").putArray("vms").addObject().put("id", "vm-1");
                ObjectNode stored = store.create(ResourceKind.PLAN, plan);
                awaitCalls(targets, 1);

                // Two status writes (Ready, then Executing): no pass.
                ObjectNode ready = stored.deepCopy();
                ready.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
                stored = store.updateStatus(ResourceKind.PLAN, ready);
                ObjectNode executing = stored.deepCopy();
                ((ObjectNode) executing.get("status")).putArray("conditions").addObject().put("type", "Executing");
                stored = store.updateStatus(ResourceKind.PLAN, executing);

                // A label (no new generation), then a spec change: a pass each.
                ObjectNode labelled = stored.deepCopy();
                ((ObjectNode) labelled.get("metadata")).putObject("labels").put("team", "a");
                stored = store.update(ResourceKind.PLAN, labelled);
                awaitCalls(targets, 2);
                ObjectNode moreVms = stored.deepCopy();
                ((com.fasterxml.jackson.databind.node.ArrayNode) moreVms.path("spec").path("vms")).addObject().put("id", "vm-2");
                store.update(ResourceKind.PLAN, moreVms);
                awaitCalls(targets, 3);

                store.delete(ResourceKind.PLAN, "ns", "p");
                awaitCalls(targets, 4);
            }
        } finally {
            serial.shutdownNow();
            timer.shutdownNow();
        }
        assertThat(targets.calls).containsExactly("pass PLAN p", "pass PLAN p", "pass PLAN p", "planDeleted p");
    }

    private static void awaitCalls(RecordingTargetsTestDouble targets, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (targets.calls.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }
}
