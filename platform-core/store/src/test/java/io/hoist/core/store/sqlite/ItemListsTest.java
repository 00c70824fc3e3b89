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

    @Test
    void entriesAreRowsWrittenOneByOneAndReadWholeInOrder() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            ObjectNode written = store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "A0"), vm("b", "B0"), vm("c", "C0")));
            assertThat(vms(written)).containsExactly("A0", "B0", "C0");
            long rv = store.currentVersion();

            String newRv = store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("b", "B1"), vm("d", "D0")));
            // One entry changed in place, one appended; the object's other fields as they were, at a new version.
            ObjectNode read = store.get(ResourceKind.PLAN, "ns", "p").orElseThrow();
            assertThat(vms(read)).containsExactly("A0", "B1", "C0", "D0");
            assertThat(read.at("/status/migration/started").asText()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(Long.parseLong(newRv)).isEqualTo(rv + 1).isEqualTo(store.currentVersion());
            assertThat(read.at("/metadata/resourceVersion").asText()).isEqualTo(newRv);
            assertThat(store.item(ResourceKind.PLAN, "ns", "p", "b")).map(v -> v.path("phase").asText()).contains("B1");
            assertThat(store.getWithoutItems(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/status/migration").has("vms")).isFalse();
            assertThat(store.list(ResourceKind.PLAN, "ns")).singleElement().satisfies(o -> assertThat(vms(o)).hasSize(4));
            assertThat(store.listWithoutItems(ResourceKind.PLAN, "ns")).singleElement()
                    .satisfies(o -> assertThat(o.at("/status/migration").has("vms")).isFalse());

            // A status write without the list (conditions) keeps the rows; a spec update keeps them too.
            ObjectNode conditions = store.getWithoutItems(ResourceKind.PLAN, "ns", "p").orElseThrow();
            ((ObjectNode) conditions.get("status")).putArray("conditions").addObject().put("type", "Ready");
            assertThat(store.updateStatusWithoutItems(ResourceKind.PLAN, conditions).at("/status/migration").has("vms")).isFalse();
            ObjectNode spec = store.getWithoutItems(ResourceKind.PLAN, "ns", "p").orElseThrow();
            ((ObjectNode) spec.get("spec")).put("description", "changed");
            ObjectNode updated = store.update(ResourceKind.PLAN, spec);
            assertThat(vms(updated)).containsExactly("A0", "B1", "C0", "D0");
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/status/conditions/0/type").asText()).isEqualTo("Ready");

            // A status write with the list replaces it whole.
            store.updateStatus(ResourceKind.PLAN, withVms(store.getWithoutItems(ResourceKind.PLAN, "ns", "p").orElseThrow(), vm("z", "Z0")));
            assertThat(vms(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow())).containsExactly("Z0");
        }
        // Durable: a reopened store has the rows.
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(vms(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow())).containsExactly("Z0");
            store.delete(ResourceKind.PLAN, "ns", "p");
            store.create(ResourceKind.PLAN, plan("p"));
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().has("status")).isFalse();
        }
    }

    @Test
    void writingItemsOfAMissingObjectWritesNothing() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, plan("p"));
            long rv = store.currentVersion();
            assertThatThrownBy(() -> store.writeItems(ResourceKind.PLAN, "ns", "gone", List.of(vm("a", "A"))))
                    .isInstanceOf(StoreException.NotFound.class).hasMessageContaining("gone");
            assertThatThrownBy(() -> store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A"), JSON.createObjectNode())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
            assertThat(store.item(ResourceKind.PLAN, "ns", "p", "a")).isEmpty();
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().has("status")).isFalse();
            assertThat(store.currentVersion()).isEqualTo(rv);
            assertThatThrownBy(() -> store.writeItems(ResourceKind.PROVIDER, "ns", "p", List.of(vm("a", "A"))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void watchersGetWholeObjectsInOrderAndLightWatchersTheObjectAlone() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            List<ResourceStore.WatchEvent> full = new CopyOnWriteArrayList<>();
            List<ResourceStore.WatchEvent> light = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w1 = store.watch(null, "ns", store.currentVersion(), full::add);
                 ResourceStore.Watch w2 = store.watchWithoutItems(null, "ns", store.currentVersion(), light::add)) {
                store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "A0")));
                store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A1")));
                store.create(ResourceKind.HOOK, plan("h"));
                // Rows are read at delivery: the delete waits until the earlier events were delivered, or a loaded
                // machine could deliver the first MODIFIED after the rows are gone.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (full.stream().noneMatch(e -> e.kind() == ResourceKind.HOOK) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                store.delete(ResourceKind.PLAN, "ns", "p");
                while ((full.isEmpty() || !"DELETED".equals(full.get(full.size() - 1).type())) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
            }
            // A full watcher assembles lists on its own thread; one that fell behind has its item-only event folded
            // into the object's later state (itemOnlyEventsAWatcherFellBehindOnAreCoalesced), so it may be absent.
            List<String> seen = full.stream().map(e -> e.type() + " " + e.kind() + " " + e.itemsOnly()).toList();
            assertThat(seen).isIn(List.of("MODIFIED PLAN false", "MODIFIED PLAN true", "ADDED HOOK false", "DELETED PLAN false"),
                    List.of("MODIFIED PLAN false", "ADDED HOOK false", "DELETED PLAN false"));
            // Rows are read when the event is delivered: the first event may already show A1, never less than a list.
            assertThat(vms(full.get(0).object())).hasSize(1);
            assertThat(vms(full.get(full.size() - 1).object())).containsExactly("A1");
            if (full.size() == 4) {
                assertThat(vms(full.get(1).object())).containsExactly("A1");
                assertThat(full.get(1).resourceVersion()).isGreaterThan(full.get(0).resourceVersion());
            }
            assertThat(light).extracting(e -> e.type() + " " + e.kind() + " " + e.itemsOnly())
                    .containsExactly("MODIFIED PLAN false", "MODIFIED PLAN true", "ADDED HOOK false", "DELETED PLAN false");
            assertThat(light.get(1).object().at("/status/migration").has("vms")).isFalse();
        }
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
