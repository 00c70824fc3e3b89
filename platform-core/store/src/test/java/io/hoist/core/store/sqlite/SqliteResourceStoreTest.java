package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteResourceStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ObjectNode plan(String ns, String name, String desc) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", ns).put("name", name);
        o.putObject("spec").put("description", desc);
        return o;
    }

    @Test
    void createSetsServerOwnedMetadataAndRefusesDuplicates() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
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
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
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
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, plan("ns", "keep", "a"));
            store.create(ResourceKind.PLAN, plan("ns", "gone", "a"));
            assertThat(store.delete(ResourceKind.PLAN, "ns", "gone")).isPresent();
            assertThat(store.delete(ResourceKind.PLAN, "ns", "gone")).isEmpty();
        }
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.list(ResourceKind.PLAN, "ns")).extracting(o -> o.at("/metadata/name").asText())
                    .containsExactly("keep");
            assertThat(store.currentVersion()).isEqualTo(3);
            // The counter continues after a restart: no resourceVersion is reused.
            assertThat(store.create(ResourceKind.PLAN, plan("ns", "next", "a")).at("/metadata/resourceVersion").asText())
                    .isEqualTo("4");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(SqliteResourceStore.DB_FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void listIsSortedAndFiltersByNamespace() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
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
    void watchReplaysFromVersionThenDeliversLiveEventsInOrder() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, plan("ns", "a", ""));
            ObjectNode b = store.create(ResourceKind.PLAN, plan("ns", "b", ""));
            store.create(ResourceKind.HOOK, plan("ns", "h", ""));
            store.create(ResourceKind.PLAN, plan("other", "c", ""));
            List<ResourceStore.WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = store.watch(ResourceKind.PLAN, "ns", 1, seen::add)) {
                ObjectNode edit = b.deepCopy();
                ((ObjectNode) edit.get("spec")).put("description", "changed");
                store.update(ResourceKind.PLAN, edit);
                store.delete(ResourceKind.PLAN, "ns", "a");
                w.close();
                store.create(ResourceKind.PLAN, plan("ns", "after-close", ""));
            }
            assertThat(seen).extracting(e -> e.type() + " " + e.object().at("/metadata/name").asText() + " " + e.resourceVersion())
                    .containsExactly("ADDED b 2", "MODIFIED b 5", "DELETED a 6");
        }
    }

    @Test
    void changeLogIsPrunedButCounterKeepsGoing() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir, 10)) {
            for (int i = 0; i < 101; i++) {
                store.create(ResourceKind.CONFIG_MAP, plan("ns", "cm-" + i, ""));
            }
            assertThat(store.oldestReplayableVersion()).isBetween(91L, 101L);
            assertThat(store.currentVersion()).isEqualTo(101);
            List<ResourceStore.WatchEvent> replayed = new ArrayList<>();
            store.watch(ResourceKind.CONFIG_MAP, null, 0, replayed::add).close();
            assertThat(replayed).hasSizeBetween(1, 11);
        }
    }

    @Test
    void concurrentWritersNeverLoseAnUpdate() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
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
}
