package io.hoist.core.store.sqlite;

import static io.hoist.core.store.ResourceStoreContractTest.plan;
import static io.hoist.core.store.ResourceStoreContractTest.vm;
import static io.hoist.core.store.ResourceStoreContractTest.vms;
import static io.hoist.core.store.ResourceStoreContractTest.withVms;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Plan's {@code status.migration.vms} and a Migration's {@code status.vms} as rows: written one by one, read whole. */
class ItemListsTest {

    @TempDir
    Path dir;

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

    /**
     * An items-only write leaves the object's stored body as it was (a big plan's spec is not written again per status
     * batch, nor copied into the change log) and moves only its version: reads, conflicts and a watch's replay, even
     * one whose earlier full change was pruned, still see the object whole at the new version.
     */
    @Test
    void anItemsOnlyWriteMovesTheVersionWithoutRewritingTheBody() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir, 3)) {
            ObjectNode p = store.create(ResourceKind.PLAN, plan("p"));
            ObjectNode started = store.updateStatus(ResourceKind.PLAN, withVms(p, vm("a", "A0")));
            long fullRv = Long.parseLong(started.at("/metadata/resourceVersion").asText());
            String bodyBefore = storedBody();
            long sinceStart = store.currentVersion();
            String rv = null;
            for (int i = 1; i <= 5; i++) {
                rv = store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A" + i)));
            }
            assertThat(storedBody()).as("the body row after items-only writes").isEqualTo(bodyBefore);
            assertThat(changeBody(Long.parseLong(rv))).as("the change-log row of an items-only write").isEmpty();

            ObjectNode read = store.get(ResourceKind.PLAN, "ns", "p").orElseThrow();
            assertThat(read.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(store.listWithoutItems(ResourceKind.PLAN, "ns").get(0).at("/metadata/resourceVersion").asText()).isEqualTo(rv);
            assertThat(vms(read)).containsExactly("A5");
            assertThat(read.at("/spec/description").asText()).isEqualTo("d");

            // The version a write must carry is the new one; the body's old one conflicts.
            ObjectNode stale = read.deepCopy();
            ((ObjectNode) stale.get("metadata")).put("resourceVersion", Long.toString(fullRv));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.update(ResourceKind.PLAN, stale))
                    .isInstanceOf(io.hoist.core.store.StoreException.Conflict.class);
            ((ObjectNode) read.get("spec")).put("description", "changed");
            assertThat(store.update(ResourceKind.PLAN, read).at("/spec/description").asText()).isEqualTo("changed");

            // Replay: the log kept the last 3 changes only (the full writes are pruned): items-only events are whole
            // objects at their own version, flagged itemsOnly, in order.
            List<ResourceStore.WatchEvent> replayed = new CopyOnWriteArrayList<>();
            store.watchWithoutItems(ResourceKind.PLAN, "ns", sinceStart, replayed::add).close();
            assertThat(replayed).isNotEmpty();
            assertThat(replayed).extracting(ResourceStore.WatchEvent::resourceVersion).isSorted();
            for (ResourceStore.WatchEvent e : replayed) {
                assertThat(e.object().at("/metadata/name").asText()).isEqualTo("p");
                assertThat(e.object().at("/metadata/resourceVersion").asText()).isEqualTo(Long.toString(e.resourceVersion()));
                assertThat(e.object().at("/status/migration/started").asText()).isEqualTo("2026-01-01T00:00:00Z");
            }
            assertThat(replayed.get(0).itemsOnly()).isTrue();
            assertThat(replayed.get(replayed.size() - 1).itemsOnly()).isFalse(); // the spec update
        }
        // A reopened store reads the version from the same place.
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/metadata/resourceVersion").asText())
                    .isEqualTo(Long.toString(store.currentVersion()));
            String rv = store.writeItems(ResourceKind.PLAN, "ns", "p", List.of(vm("a", "A6")));
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow().at("/metadata/resourceVersion").asText()).isEqualTo(rv);
        }
    }

    private String storedBody() throws java.sql.SQLException {
        return query("SELECT body FROM objects WHERE kind = 'PLAN' AND name = 'p'");
    }

    private String changeBody(long rv) throws java.sql.SQLException {
        return query("SELECT body FROM changes WHERE rv = " + rv);
    }

    private String query(String sql) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
             var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
