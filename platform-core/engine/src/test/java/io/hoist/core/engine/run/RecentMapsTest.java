package io.hoist.core.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentMapsTest {
    /** Counts the store reads it answers; the map "absent" does not exist. */
    private static final class CountingReader implements RecentMaps.Reader {
        final List<String> reads = new ArrayList<>();
        int edition;

        @Override
        public <T> Optional<T> read(ResourceKind kind, String ns, String name, Class<T> type) {
            reads.add(kind + " " + ns + "/" + name);
            return "absent".equals(name) ? Optional.empty() : Optional.of(type.cast(name + "@" + edition));
        }
    }

    @Test
    void oneReadPerMigrationAndMapWithinTheTtlAndAFreshOneAfter() throws Exception {
        CountingReader store = new CountingReader();
        RecentMaps maps = new RecentMaps(store, 200_000_000L);
        assertThat(maps.read("m1", ResourceKind.NETWORK_MAP, "ns", "net", String.class)).isEqualTo("net@0");
        store.edition = 1;
        assertThat(maps.read("m1", ResourceKind.NETWORK_MAP, "ns", "net", String.class)).isEqualTo("net@0");
        assertThat(maps.read("m1", ResourceKind.STORAGE_MAP, "ns", "net", String.class)).isEqualTo("net@1");
        // another Migration reads afresh, whatever the first one holds
        assertThat(maps.read("m2", ResourceKind.NETWORK_MAP, "ns", "net", String.class)).isEqualTo("net@1");
        assertThat(maps.read("m1", ResourceKind.NETWORK_MAP, "ns", "absent", String.class)).isNull();
        assertThat(maps.read("m1", ResourceKind.NETWORK_MAP, "ns", "absent", String.class)).isNull();
        assertThat(store.reads).hasSize(4);
        Thread.sleep(250);
        store.edition = 2;
        assertThat(maps.read("m1", ResourceKind.NETWORK_MAP, "ns", "net", String.class)).isEqualTo("net@2");
        assertThat(store.reads).hasSize(5);
    }
}
