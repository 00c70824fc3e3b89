package io.hoist.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ResourceStore} does, run against each implementation (SQLite, PostgreSQL): server-owned
 * metadata, optimistic concurrency, generation, durable deletes and versions across a reopen, sorted lists, watch
 * replay and live events, concurrent writers, item lists. Watch events may arrive on another thread after the write
 * returned, so the tests wait for them.
 */
public abstract class ResourceStoreContractTest {
    protected static final ObjectMapper JSON = new ObjectMapper();

    /** A new, empty store. */
    protected abstract ResourceStore newStore();

    /** The store {@link #newStore} made, opened again (a restart). */
    protected abstract ResourceStore reopen();

    public static ObjectNode plan(String ns, String name, String desc) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", ns).put("name", name);
        o.putObject("spec").put("description", desc);
        return o;
    }

    public static ObjectNode plan(String name) {
        return plan("ns", name, "d");
    }

    public static ObjectNode vm(String id, String phase) {
        ObjectNode v = JSON.createObjectNode();
        v.put("id", id).put("phase", phase);
        return v;
    }

    public static ObjectNode withVms(ObjectNode stored, ObjectNode... vms) {
        ObjectNode o = stored.deepCopy();
        ObjectNode migration = o.putObject("status").putObject("migration");
        migration.put("started", "2026-01-01T00:00:00Z");
        ArrayNode list = migration.putArray("vms");
        for (ObjectNode v : vms) {
            list.add(v);
        }
        return o;
    }

    public static List<String> vms(ObjectNode plan) {
        return JSON.convertValue(plan.at("/status/migration/vms").findValuesAsText("phase"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
    }

    /** A connection of its own to the database of the store {@link #newStore} made, to look at its rows. */
    protected abstract java.sql.Connection rawConnection() throws java.sql.SQLException;

    /** The object's body as its row holds it (not as reads return it). */
    private String storedBodyRow(ResourceKind kind, String namespace, String name) throws java.sql.SQLException {
        return firstColumn("SELECT body FROM objects WHERE kind = ? AND namespace = ? AND name = ?", kind.name(), namespace, name);
    }

    /** The body of the change-log row at {@code rv}. */
    private String changeBodyRow(long rv) throws java.sql.SQLException {
        return firstColumn("SELECT body FROM changes WHERE rv = ?", rv);
    }

    private String firstColumn(String sql, Object... args) throws java.sql.SQLException {
        try (java.sql.Connection c = rawConnection(); java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** Waits (minutes at most: a loaded machine) until {@code events} holds {@code n} events. */
    protected static void awaitSize(List<?> events, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (events.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(events).as("events delivered within 120 s").hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void namespacesAreStoredDurablyOncePerName() {
        ObjectNode meta = JSON.createObjectNode().put("uid", "u-1");
        meta.putObject("labels").put("team", "infra");
        try (ResourceStore store = newStore()) {
            assertThat(store.namespaces()).isEmpty();
            assertThat(store.createNamespace("wave-b", meta)).isTrue();
            assertThat(store.createNamespace("wave-a", JSON.createObjectNode().put("uid", "u-2"))).isTrue();
            // a second create of the name writes nothing: the first one's metadata stays
            assertThat(store.createNamespace("wave-b", JSON.createObjectNode().put("uid", "other"))).isFalse();
            assertThat(store.namespace("wave-b")).contains(meta);
            store.putNamespace("wave-a", JSON.createObjectNode().put("uid", "u-2").put("note", "patched"));
            assertThat(store.deleteNamespace("missing")).isFalse();
            assertThat(store.currentVersion()).as("namespaces are not objects: no resourceVersion used").isZero();
        }
        try (ResourceStore store = reopen()) {
            assertThat(store.namespaces().keySet()).containsExactly("wave-a", "wave-b");
            assertThat(store.namespace("wave-a").orElseThrow().get("note").asText()).isEqualTo("patched");
            assertThat(store.deleteNamespace("wave-a")).isTrue();
            assertThat(store.namespace("wave-a")).isEmpty();
            assertThat(store.namespaces().keySet()).containsExactly("wave-b");
        }
    }

    @Test
    void createSetsServerOwnedMetadataAndRefusesDuplicates() {
        try (ResourceStore store = newStore()) {
            ObjectNode created = store.create(ResourceKind.PLAN, plan("ns1", "p1", "a"));
            ObjectNode meta = (ObjectNode) created.get("metadata");
            assertThat(created.get("apiVersion").asText()).isEqualTo("forklift.konveyor.io/v1beta1");
            assertThat(created.get("kind").asText()).isEqualTo("Plan");
            assertThat(meta.get("uid").asText()).matches("[0-9a-f-]{36}");
            assertThat(meta.get("generation").asLong()).isEqualTo(1);
            assertThat(meta.get("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(meta.get("resourceVersion").asText()).isEqualTo("1");
            assertThat(store.get(ResourceKind.PLAN, "ns1", "p1")).contains(created);
            assertThat(store.get(ResourceKind.PLAN, "ns2", "p1")).isEmpty();
            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, plan("ns1", "p1", "b")))
                    .isInstanceOf(StoreException.AlreadyExists.class);
            // Same name in another kind or namespace is a different object.
            store.create(ResourceKind.PROVIDER, plan("ns1", "p1", "b"));
            store.create(ResourceKind.PLAN, plan("ns2", "p1", "b"));
            assertThat(store.currentVersion()).isEqualTo(3);
        }
    }

    @Test
    void staleResourceVersionConflictsAndGenerationTracksSpecOnly() {
        try (ResourceStore store = newStore()) {
            ObjectNode v1 = store.create(ResourceKind.PLAN, plan("ns", "p", "a"));
            ObjectNode edit = v1.deepCopy();
            ((ObjectNode) edit.get("spec")).put("description", "b");
            ObjectNode v2 = store.update(ResourceKind.PLAN, edit);
            assertThat(v2.at("/metadata/generation").asLong()).isEqualTo(2);
            assertThat(v2.at("/metadata/uid")).isEqualTo(v1.at("/metadata/uid"));

            // v1's resourceVersion is stale now.
            ObjectNode stale = v1.deepCopy();
            ((ObjectNode) stale.get("spec")).put("description", "c");
            assertThatThrownBy(() -> store.update(ResourceKind.PLAN, stale))
                    .isInstanceOf(StoreException.Conflict.class);

            // A label change does not bump generation.
            ObjectNode labelled = v2.deepCopy();
            ((ObjectNode) labelled.get("metadata")).putObject("labels").put("a", "b");
            ObjectNode v3 = store.update(ResourceKind.PLAN, labelled);
            assertThat(v3.at("/metadata/generation").asLong()).isEqualTo(2);

            // Status writes leave spec alone and spec writes leave status alone.
            ObjectNode status = v3.deepCopy();
            status.putObject("status").put("phase", "Running");
            ((ObjectNode) status.get("spec")).put("description", "ignored");
            ObjectNode v4 = store.updateStatus(ResourceKind.PLAN, status);
            assertThat(v4.at("/status/phase").asText()).isEqualTo("Running");
            assertThat(v4.at("/spec/description").asText()).isEqualTo("b");
            ObjectNode specOnly = v4.deepCopy();
            specOnly.remove("status");
            ObjectNode v5 = store.update(ResourceKind.PLAN, specOnly);
            assertThat(v5.at("/status/phase").asText()).isEqualTo("Running");

            assertThatThrownBy(() -> store.update(ResourceKind.PLAN, plan("ns", "missing", "x")))
                    .isInstanceOf(StoreException.NotFound.class);
        }
    }

    @Test
    void deleteReturnsLastObjectAndSurvivesReopen() throws Exception {
        try (ResourceStore store = newStore()) {
            store.create(ResourceKind.PLAN, plan("ns", "keep", "a"));
            store.create(ResourceKind.PLAN, plan("ns", "gone", "a"));
            assertThat(store.delete(ResourceKind.PLAN, "ns", "gone")).isPresent();
            assertThat(store.delete(ResourceKind.PLAN, "ns", "gone")).isEmpty();
        }
        try (ResourceStore store = reopen()) {
            assertThat(store.list(ResourceKind.PLAN, "ns")).extracting(o -> o.at("/metadata/name").asText())
                    .containsExactly("keep");
            assertThat(store.currentVersion()).isEqualTo(3);
            // The counter continues after a restart: no resourceVersion is reused.
            assertThat(store.create(ResourceKind.PLAN, plan("ns", "next", "a")).at("/metadata/resourceVersion").asText())
                    .isEqualTo("4");
        }
    }

    @Test
    void listIsSortedAndFiltersByNamespace() {
        try (ResourceStore store = newStore()) {
            store.create(ResourceKind.PLAN, plan("b", "x", ""));
            store.create(ResourceKind.PLAN, plan("a", "z", ""));
            store.create(ResourceKind.PLAN, plan("a", "y", ""));
            store.create(ResourceKind.HOOK, plan("a", "h", ""));
            assertThat(store.list(ResourceKind.PLAN, null))
                    .extracting(o -> o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText())
                    .containsExactly("a/y", "a/z", "b/x");
            assertThat(store.list(ResourceKind.PLAN, "b")).hasSize(1);
        }
    }

    @Test
    void watchReplaysFromVersionThenDeliversLiveEventsInOrder() throws Exception {
        try (ResourceStore store = newStore()) {
            store.create(ResourceKind.PLAN, plan("ns", "a", ""));
            ObjectNode b = store.create(ResourceKind.PLAN, plan("ns", "b", ""));
            store.create(ResourceKind.HOOK, plan("ns", "h", ""));
            store.create(ResourceKind.PLAN, plan("other", "c", ""));
            List<ResourceStore.WatchEvent> seen = new CopyOnWriteArrayList<>();
            List<ResourceStore.WatchEvent> everything = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch all = store.watch(null, null, store.currentVersion(), everything::add);
                 ResourceStore.Watch w = store.watch(ResourceKind.PLAN, "ns", 1, seen::add)) {
                ObjectNode edit = b.deepCopy();
                ((ObjectNode) edit.get("spec")).put("description", "changed");
                store.update(ResourceKind.PLAN, edit);
                store.delete(ResourceKind.PLAN, "ns", "a");
                awaitSize(seen, 3); // a store may deliver on another thread, after the write returned
                w.close();
                store.create(ResourceKind.PLAN, plan("ns", "after-close", ""));
                awaitSize(everything, 3); // the event after the close was delivered to whoever still watches
            }
            assertThat(seen).extracting(e -> e.type() + " " + e.object().at("/metadata/name").asText() + " " + e.resourceVersion())
                    .containsExactly("ADDED b 2", "MODIFIED b 5", "DELETED a 6");
        }
    }

    @Test
    void concurrentWritersNeverLoseAnUpdate() throws Exception {
        try (ResourceStore store = newStore()) {
            store.create(ResourceKind.CONFIG_MAP, plan("ns", "counter", "0"));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int conflicts = 0;
                    for (int i = 0; i < 20; i++) {
                        store.create(ResourceKind.CONFIG_MAP, plan("ns", "t" + thread + "-" + i, ""));
                        // Read-modify-write with optimistic concurrency: retry on conflict.
                        while (true) {
                            ObjectNode cur = store.get(ResourceKind.CONFIG_MAP, "ns", "counter").orElseThrow();
                            int n = Integer.parseInt(cur.at("/spec/description").asText());
                            ((ObjectNode) cur.get("spec")).put("description", Integer.toString(n + 1));
                            try {
                                store.update(ResourceKind.CONFIG_MAP, cur);
                                break;
                            } catch (StoreException.Conflict c) {
                                conflicts++;
                            }
                        }
                    }
                    return conflicts;
                }));
            }
            for (Future<Integer> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(store.get(ResourceKind.CONFIG_MAP, "ns", "counter").orElseThrow().at("/spec/description").asText())
                    .isEqualTo("160");
            assertThat(store.list(ResourceKind.CONFIG_MAP, "ns")).hasSize(161);
        }
    }

    @Test
    void entriesAreRowsWrittenOneByOneAndReadWholeInOrder() {
        try (ResourceStore store = newStore()) {
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
        try (ResourceStore store = reopen()) {
            assertThat(vms(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow())).containsExactly("Z0");
            store.delete(ResourceKind.PLAN, "ns", "p");
            store.create(ResourceKind.PLAN, plan("p"));
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().has("status")).isFalse();
        }
    }

    @Test
    void serializedItemsAreWrittenAsGivenLikeTrees() {
        try (ResourceStore store = newStore()) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "A0"), vm("b", "B0")));
            long rv = store.currentVersion();
            String newRv = store.writeSerializedItems(ResourceKind.PLAN, "ns", "p", List.of(
                    new ResourceStore.SerializedItem("b", "{\"id\":\"b\",\"phase\":\"B1\"}"),
                    new ResourceStore.SerializedItem("c", "{\"id\":\"c\",\"phase\":\"C0\"}")));
            assertThat(Long.parseLong(newRv)).isEqualTo(rv + 1).isEqualTo(store.currentVersion());
            assertThat(vms(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow())).containsExactly("A0", "B1", "C0");
            assertThat(store.item(ResourceKind.PLAN, "ns", "p", "c")).map(v -> v.path("phase").asText()).contains("C0");
            // An item without an id is refused before anything is written.
            assertThatThrownBy(() -> store.writeSerializedItems(ResourceKind.PLAN, "ns", "p", List.of(
                    new ResourceStore.SerializedItem("a", "{\"id\":\"a\",\"phase\":\"A1\"}"),
                    new ResourceStore.SerializedItem("", "{\"phase\":\"X\"}"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
            assertThat(store.item(ResourceKind.PLAN, "ns", "p", "a")).map(v -> v.path("phase").asText()).contains("A0");
            assertThat(store.currentVersion()).isEqualTo(rv + 1);
        }
    }

    @Test
    void writingItemsOfAMissingObjectWritesNothing() {
        try (ResourceStore store = newStore()) {
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
        try (ResourceStore store = newStore()) {
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
                awaitSize(light, 4);
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
     * An items-only write leaves the object's stored body as it was (a big plan's spec is not written again per status
     * batch, nor copied into the change log) and moves only its version: reads, conflicts, live watchers and a watch's
     * replay (from before the last full change, from after it, and after a reopen) still see the whole object at the
     * new version.
     */
    @Test
    void anItemsOnlyWriteMovesOnlyTheVersionAndWatchersStillSeeWholeObjects() throws Exception {
        long sinceFull;
        long sinceItems;
        String rv = null;
        try (ResourceStore store = newStore()) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            sinceFull = store.currentVersion();
            ObjectNode started = store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "A0")));
            String fullRv = started.at("/metadata/resourceVersion").asText();
            sinceItems = store.currentVersion();
            String bodyBefore = storedBodyRow(ResourceKind.PLAN, "ns", "p");
            List<ResourceStore.WatchEvent> full = new CopyOnWriteArrayList<>();
            List<ResourceStore.WatchEvent> light = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w1 = store.watch(ResourceKind.PLAN, "ns", sinceItems, full::add);
                 ResourceStore.Watch w2 = store.watchWithoutItems(ResourceKind.PLAN, "ns", sinceItems, light::add)) {
                for (int i = 1; i <= 3; i++) {
                    rv = store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A" + i)));
                }
                awaitSize(light, 3);
                String last = rv;
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                // a full watcher may fold item-only events it fell behind on into the last one
                while (full.stream().noneMatch(e -> Long.toString(e.resourceVersion()).equals(last)) && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
            }
            assertThat(storedBodyRow(ResourceKind.PLAN, "ns", "p")).as("the body row after items-only writes").isEqualTo(bodyBefore);
            assertThat(changeBodyRow(Long.parseLong(rv))).as("the change-log row of an items-only write").isEmpty();
            assertThat(light).allSatisfy(e -> assertThat(e.itemsOnly()).isTrue());
            assertWhole(light);
            assertWhole(full);
            assertThat(vms(full.get(full.size() - 1).object())).containsExactly("A3");

            ObjectNode read = store.get(ResourceKind.PLAN, "ns", "p").orElseThrow();
            assertThat(read.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(store.getWithoutItems(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(store.listWithoutItems(ResourceKind.PLAN, "ns").get(0).at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(store.list(ResourceKind.PLAN, "ns").get(0).at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(vms(read)).containsExactly("A3");
            assertThat(read.at("/spec/description").asText()).isEqualTo("d");

            // The version a write must carry is the new one; the body's old one conflicts.
            ObjectNode stale = read.deepCopy();
            ((ObjectNode) stale.get("metadata")).put("resourceVersion", fullRv);
            assertThatThrownBy(() -> store.update(ResourceKind.PLAN, stale)).isInstanceOf(StoreException.Conflict.class);
            assertThatThrownBy(() -> store.updateStatusWithoutItems(ResourceKind.PLAN, stale)).isInstanceOf(StoreException.Conflict.class);
            ((ObjectNode) read.get("spec")).put("description", "changed");
            assertThat(store.update(ResourceKind.PLAN, read).at("/spec/description").asText()).isEqualTo("changed");

            // Replay with the full change in the window, and without it (resolved from the log or the stored body).
            assertReplay(store, sinceFull, 5);
            assertReplay(store, sinceItems, 4);
        }
        try (ResourceStore store = reopen()) {
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/metadata/resourceVersion").asText())
                    .isEqualTo(Long.toString(store.currentVersion()));
            assertReplay(store, sinceItems, 4);
            String again = store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A4")));
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/metadata/resourceVersion").asText()).isEqualTo(again);
        }
    }

    /** Events of plan "p": each the whole object at its own version, in order. */
    private static void assertWhole(List<ResourceStore.WatchEvent> events) {
        assertThat(events).isNotEmpty();
        assertThat(events).extracting(ResourceStore.WatchEvent::resourceVersion).isSorted();
        for (ResourceStore.WatchEvent e : events) {
            assertThat(e.object().at("/metadata/name").asText()).isEqualTo("p");
            assertThat(e.object().at("/metadata/resourceVersion").asText()).isEqualTo(Long.toString(e.resourceVersion()));
            assertThat(e.object().at("/status/migration/started").asText()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(e.object().at("/spec/description").asText()).isIn("d", "changed");
        }
    }

    /** A light watch from {@code since} replays {@code n} changes: the full ones and the items-only ones, whole. */
    private static void assertReplay(ResourceStore store, long since, int n) throws InterruptedException {
        List<ResourceStore.WatchEvent> replayed = new CopyOnWriteArrayList<>();
        // a store may deliver the newest changes after the replay has begun (PostgreSQL's feed reads the log as it is woken)
        try (ResourceStore.Watch w = store.watchWithoutItems(ResourceKind.PLAN, "ns", since, replayed::add)) {
            awaitSize(replayed, n);
        }
        assertThat(replayed).hasSize(n);
        assertWhole(replayed);
        assertThat(replayed).extracting(ResourceStore.WatchEvent::itemsOnly)
                .containsExactlyElementsOf(n == 5 ? List.of(false, true, true, true, false) : List.of(true, true, true, false));
        assertThat(replayed.get(replayed.size() - 1).object().at("/spec/description").asText()).isEqualTo("changed");
        if (n == 5) {
            // from the full change before it (a store may resolve one whose full change is before `since` from the
            // stored body, already "changed")
            assertThat(replayed.get(replayed.size() - 2).object().at("/spec/description").asText()).isEqualTo("d");
        }
    }

    @Test
    void writesAreTimedByOutcomeAndReadsAreNot() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (ResourceStore store = newStore()) {
            store.meterWrites(meters);
            io.micrometer.core.instrument.Timer ok = meters.get("hoist_store_write_duration").tag("outcome", "ok").timer();
            io.micrometer.core.instrument.Timer failed = meters.get("hoist_store_write_duration").tag("outcome", "failed").timer();

            var created = store.create(ResourceKind.PLAN, plan("ns1", "p1", "a"));
            assertThat(ok.count()).isEqualTo(1);
            assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).as("a commit with its fsync takes time").isPositive();

            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, plan("ns1", "p1", "b")));
            assertThat(failed.count()).as("the refused duplicate").isEqualTo(1);

            store.get(ResourceKind.PLAN, "ns1", "p1");
            store.list(ResourceKind.PLAN, "ns1");
            ((com.fasterxml.jackson.databind.node.ObjectNode) created.get("spec")).put("description", "c");
            store.update(ResourceKind.PLAN, created);
            store.delete(ResourceKind.PLAN, "ns1", "p1");
            assertThat(ok.count()).as("create, update and delete; not the reads").isEqualTo(3);
            assertThat(failed.count()).isEqualTo(1);
        }
    }
}
