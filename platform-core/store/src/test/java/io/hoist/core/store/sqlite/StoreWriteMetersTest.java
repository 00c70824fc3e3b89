package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.model.ResourceKind;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every write to the real SQLite store is timed once, by outcome; reads are not writes. */
class StoreWriteMetersTest {
    @TempDir
    Path dir;

    @Test
    void writesAreTimedByOutcomeAndReadsAreNot() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.meterWrites(meters);
            Timer ok = meters.get("hoist_store_write_duration").tag("outcome", "ok").timer();
            Timer failed = meters.get("hoist_store_write_duration").tag("outcome", "failed").timer();

            var created = store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns1", "p1", "a"));
            assertThat(ok.count()).isEqualTo(1);
            assertThat(ok.totalTime(TimeUnit.NANOSECONDS)).as("a commit with its fsync takes time").isPositive();

            assertThatThrownBy(() -> store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns1", "p1", "b")));
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

    @Test
    void aStoreNobodyMetersRecordsNothing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns1", "p1", "a"));
        }
        assertThat(meters.getMeters()).isEmpty();
    }
}
