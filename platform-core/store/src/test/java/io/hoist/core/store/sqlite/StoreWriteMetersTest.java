package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.model.ResourceKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store nobody meters records nothing; the timing itself is in the contract ({@code ResourceStoreContractTest}). */
class StoreWriteMetersTest {
    @TempDir
    Path dir;

    @Test
    void aStoreNobodyMetersRecordsNothing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, SqliteResourceStoreTest.plan("ns1", "p1", "a"));
        }
        assertThat(meters.getMeters()).isEmpty();
    }
}
