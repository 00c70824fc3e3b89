package io.hoist.core.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.hoist.core.store.ResourceStoreContractTest.vm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only a shared PostgreSQL store does: several nodes on one database, and PostgreSQL going away and back. */
class PostgresStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private static PostgresLocation database() throws Exception {
        return PostgresLocation.parse(POSTGRES.server().newDatabase(), Map.of("PGPASSWORD", POSTGRES.server().password()));
    }

    private static ObjectNode object(String name, String desc) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", "ns").put("name", name);
        o.putObject("spec").put("description", desc);
        return o;
    }

    private static List<String> names(List<ResourceStore.WatchEvent> events) {
        return events.stream().map(e -> e.type() + " " + e.object().at("/metadata/name").asText()).toList();
    }

    private static void await(List<?> events, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (events.size() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(events).as("events within 120 s").hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void twoNodesShareOneVersionSequenceConflictsAndWatches() throws Exception {
        PostgresLocation db = database();
        try (ResourceStore a = PostgresResourceStore.open(db); ResourceStore b = PostgresResourceStore.open(db)) {
            List<ResourceStore.WatchEvent> seenByA = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = a.watch(ResourceKind.PLAN, null, 0, seenByA::add)) {
                ObjectNode fromA = a.create(ResourceKind.PLAN, object("p", "a"));
                ObjectNode fromB = b.get(ResourceKind.PLAN, "ns", "p").orElseThrow();
                ((ObjectNode) fromB.get("spec")).put("description", "b");
                b.update(ResourceKind.PLAN, fromB);
                // A's copy is stale now that B wrote: the same 409 a single node gives.
                ((ObjectNode) fromA.get("spec")).put("description", "a2");
                assertThatThrownBy(() -> a.update(ResourceKind.PLAN, fromA)).isInstanceOf(StoreException.Conflict.class);
                b.create(ResourceKind.PLAN, object("q", "b"));
                await(seenByA, 3);
            }
            assertThat(names(seenByA)).containsExactly("ADDED p", "MODIFIED p", "ADDED q");
            assertThat(seenByA).extracting(ResourceStore.WatchEvent::resourceVersion).containsExactly(1L, 2L, 3L);
            assertThat(a.currentVersion()).isEqualTo(3).isEqualTo(b.currentVersion());
        }
    }

    @Test
    void aWatchOutlivesARestartOfPostgresAndMissesNothing() throws Exception {
        PostgresLocation db = database();
        try (ResourceStore a = PostgresResourceStore.open(db)) {
            a.create(ResourceKind.PLAN, object("before", ""));
            List<ResourceStore.WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = a.watch(ResourceKind.PLAN, "ns", a.currentVersion(), seen::add)) {
                POSTGRES.server().stop();
                assertThatThrownBy(() -> a.create(ResourceKind.PLAN, object("while-down", "")))
                        .isInstanceOf(StoreException.class).hasMessageContaining("store write failed");
                POSTGRES.server().start();
                // Another node writes at once, while A's feed is still reconnecting: its NOTIFYs reach nobody, the
                // change log still holds the changes.
                try (ResourceStore b = PostgresResourceStore.open(db)) {
                    b.create(ResourceKind.PLAN, object("after-1", ""));
                    // an items-only change: the log holds no body for it, A's feed resolves it from "before"'s own
                    b.writeItems(ResourceKind.PLAN, "ns", "before", List.of(vm("a", "A1")));
                    b.create(ResourceKind.PLAN, object("after-2", ""));
                }
                // A writes again through its pool once PostgreSQL is back.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (true) {
                    try {
                        a.create(ResourceKind.PLAN, object("after-3", ""));
                        break;
                    } catch (StoreException stillReconnecting) {
                        if (System.nanoTime() > end) {
                            throw stillReconnecting;
                        }
                        Thread.sleep(200);
                    }
                }
                await(seen, 4);
            }
            assertThat(names(seen)).containsExactly("ADDED after-1", "MODIFIED before", "ADDED after-2", "ADDED after-3");
            ResourceStore.WatchEvent items = seen.get(1);
            assertThat(items.itemsOnly()).isTrue();
            assertThat(items.object().at("/metadata/resourceVersion").asText()).isEqualTo(Long.toString(items.resourceVersion()));
            assertThat(items.object().at("/status/migration/vms/0/phase").asText()).isEqualTo("A1");
            assertThat(a.list(ResourceKind.PLAN, "ns")).extracting(o -> o.at("/metadata/name").asText())
                    .containsExactly("after-1", "after-2", "after-3", "before");
        }
    }

    @Test
    void theLocationTakesNoPasswordAndNamesWhatIsMissing() {
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://u:secret@h/db", Map.of()))
                .hasMessageContaining("PGPASSWORD").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> PostgresLocation.parse("postgresql://u@h", Map.of())).hasMessageContaining("no database");
        assertThatThrownBy(() -> PostgresLocation.parse("mysql://u@h/db", Map.of())).hasMessageContaining("postgresql://");
        PostgresLocation l = PostgresLocation.parse("postgresql://u@db.example:6543/hoist?sslmode=verify-full",
                Map.of("PGPASSWORD", "pw"));
        assertThat(l.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/hoist?sslmode=verify-full");
        assertThat(l.user()).isEqualTo("u");
        assertThat(l.toString()).doesNotContain("pw");
    }

    @Test
    void aWrongPasswordIsRefusedAtOpenWithoutShowingIt() throws Exception {
        PostgresLocation right = database();
        PostgresLocation wrong = new PostgresLocation(right.jdbcUrl(), right.user(), "not-the-password");
        assertThatThrownBy(() -> PostgresResourceStore.open(wrong))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password");
    }
}
