package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Plan's {@code status.migration.vms} and a Migration's {@code status.vms} as rows: written one by one, read whole. */
class ItemListsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static ObjectNode plan(String name) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", "ns").put("name", name);
        o.putObject("spec").put("description", "d");
        return o;
    }

    private static ObjectNode vm(String id, String phase) {
        ObjectNode v = JSON.createObjectNode();
        v.put("id", id).put("phase", phase);
        return v;
    }

    private static ObjectNode withVms(ObjectNode stored, ObjectNode... vms) {
        ObjectNode o = stored.deepCopy();
        ObjectNode migration = o.putObject("status").putObject("migration");
        migration.put("started", "2026-01-01T00:00:00Z");
        ArrayNode list = migration.putArray("vms");
        for (ObjectNode v : vms) {
            list.add(v);
        }
        return o;
    }

    private static List<String> vms(ObjectNode plan) {
        return JSON.convertValue(plan.at("/status/migration/vms").findValuesAsText("phase"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
    }




    /**
     * A watcher that falls behind a run of item writes gets the object once more with the latest entries, not once per
     * write: every event assembles the whole list, which for a big plan is what costs.
     */
    @Test
    void itemOnlyEventsAWatcherFellBehindOnAreCoalesced() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "0")));
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            List<ResourceStore.WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = store.watch(ResourceKind.PLAN, "ns", store.currentVersion(), e -> {
                seen.add(e);
                try {
                    release.await(30, TimeUnit.SECONDS); // a slow client: behind from its first event on
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            })) {
                for (int i = 1; i <= 50; i++) {
                    store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", Integer.toString(i))));
                }
                release.countDown();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((seen.isEmpty() || !vms(seen.get(seen.size() - 1).object()).equals(List.of("50")))
                        && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            }
            assertThat(vms(seen.get(seen.size() - 1).object())).containsExactly("50");
            assertThat(seen.size()).as("events delivered for 50 item writes").isBetween(1, 5);
            assertThat(seen).extracting(ResourceStore.WatchEvent::resourceVersion).isSorted();
        }
    }
}
