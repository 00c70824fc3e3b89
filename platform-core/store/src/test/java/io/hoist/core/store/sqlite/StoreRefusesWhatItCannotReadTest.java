package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 24 item 3: the store never accepts what it cannot read back, and a bad row never stops it. */
class StoreRefusesWhatItCannotReadTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void objectOverTheSizeLimitIsRefusedAndNothingIsStored() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode small = SqliteResourceStoreTest.plan("ns", "p", "ok");
            ObjectNode created = store.create(ResourceKind.PLAN, small);
            ObjectNode big = created.deepCopy();
            big.putObject("status").putArray("conditions").addObject().put("message", "x".repeat(1_600_000));
            assertThatThrownBy(() -> store.updateStatus(ResourceKind.PLAN, big))
                    .isInstanceOf(StoreException.TooLarge.class)
                    .hasMessageContaining("Plan ns/p").hasMessageContaining("1572864 bytes");
            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "q", "y".repeat(2_000_000))))
                    .isInstanceOf(StoreException.TooLarge.class);
            // the old object is intact and the store still writes
            assertThat(store.get(ResourceKind.PLAN, "ns", "p").orElseThrow()).isEqualTo(created);
            assertThat(store.get(ResourceKind.PLAN, "ns", "q")).isEmpty();
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "r", "fine"));
        }
        try (SqliteResourceStore reopened = SqliteResourceStore.open(dir)) {
            assertThat(reopened.list(ResourceKind.PLAN, "ns")).hasSize(2);
            assertThat(reopened.unreadable()).isEmpty();
        }
    }

    @Test
    void anOversizedObjectLeftByAnOlderVersionCanStillBeDeleted() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "old", "x"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
             PreparedStatement ps = c.prepareStatement("UPDATE objects SET body = ? WHERE name = 'old'")) {
            ps.setString(1, "{\"metadata\":{\"name\":\"old\",\"namespace\":\"ns\"},\"status\":{\"m\":\"" + "a".repeat(3_000_000) + "\"}}");
            ps.executeUpdate();
        }
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.unreadable()).isEmpty(); // readable, only larger than new writes may be
            assertThat(store.delete(ResourceKind.PLAN, "ns", "old")).isPresent();
            assertThat(store.get(ResourceKind.PLAN, "ns", "old")).isEmpty();
        }
    }

    @Test
    void objectTheReaderWouldRefuseIsNotStored() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode deep = SqliteResourceStoreTest.plan("ns", "deep", "d");
            ObjectNode cur = (ObjectNode) deep.get("spec");
            // past Jackson's 1000-level limit, shallow enough for the recursive copies on the way (5000 overflowed
            // the test thread's stack in deepCopy on some runs)
            for (int i = 0; i < 1200; i++) {
                cur = cur.putObject("n");
            }
            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, deep))
                    .isInstanceOf(StoreException.NotReadable.class)
                    .hasMessageContaining("Plan ns/deep").hasMessageContaining("could not read it back");
            assertThat(store.list(ResourceKind.PLAN, null)).isEmpty();
        }
        try (SqliteResourceStore reopened = SqliteResourceStore.open(dir)) {
            assertThat(reopened.unreadable()).isEmpty();
        }
    }

    @Test
    void unreadableRowsAreReportedSkippedAndDeletableAfterARestart() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "good", "g"));
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "bad", "b"));
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "huge", "h"));
        }
        // what older versions could leave behind: a string over Jackson's 20 MB limit, and a damaged body
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
             PreparedStatement ps = c.prepareStatement("UPDATE objects SET body = ? WHERE name = ?")) {
            ps.setString(1, "{\"metadata\":{\"name\":\"huge\"},\"status\":{\"m\":\"" + "a".repeat(20_100_000) + "\"}}");
            ps.setString(2, "huge");
            ps.executeUpdate();
            ps.setString(1, "{\"metadata\":{\"name\":");
            ps.setString(2, "bad");
            ps.executeUpdate();
        }
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.unreadable()).extracting(ResourceStore.UnreadableObject::name).containsExactly("bad", "huge");
            assertThat(store.unreadable().get(1).reason()).contains("String value length");
            assertThat(store.list(ResourceKind.PLAN, "ns")).extracting(o -> o.path("metadata").path("name").asText())
                    .containsExactly("good");
            assertThatThrownBy(() -> store.get(ResourceKind.PLAN, "ns", "bad"))
                    .isInstanceOf(StoreException.Unreadable.class)
                    .hasMessageContaining("PLAN ns/bad").hasMessageContaining("delete it");
            assertThatThrownBy(() -> store.updateStatus(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "bad", "x")))
                    .isInstanceOf(StoreException.Unreadable.class);
            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "bad", "x")))
                    .isInstanceOf(StoreException.AlreadyExists.class);
            List<ResourceStore.WatchEvent> events = new ArrayList<>();
            try (ResourceStore.Watch w = store.watch(ResourceKind.PLAN, "ns", store.currentVersion(), events::add)) {
                assertThat(store.delete(ResourceKind.PLAN, "ns", "bad")).isPresent();
                assertThat(store.delete(ResourceKind.PLAN, "ns", "huge").orElseThrow().path("metadata").path("name").asText())
                        .isEqualTo("huge");
            }
            assertThat(events).extracting(ResourceStore.WatchEvent::type).containsExactly("DELETED", "DELETED");
            assertThat(store.unreadable()).isEmpty();
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns", "bad", "again"));
        }
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.unreadable()).isEmpty();
            assertThat(store.list(ResourceKind.PLAN, "ns")).hasSize(2);
        }
    }
}
