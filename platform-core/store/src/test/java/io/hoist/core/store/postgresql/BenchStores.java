package io.hoist.core.store.postgresql;

import io.hoist.testkit.postgresql.PostgresTestServer;
import java.util.Map;

/** What the store's benchmarks share: a store on a throwaway PostgreSQL that syncs its WAL as a real one does. */
final class BenchStores {
    private BenchStores() {}

    /** A store on a new database of {@code pg}, with fsync turned on (the throwaway server starts with it off). */
    static PostgresResourceStore openSynced(PostgresTestServer pg) throws Exception {
        PostgresResourceStore store = PostgresResourceStore.open(
                PostgresLocation.parse(pg.newDatabase(), Map.of("PGPASSWORD", pg.password())));
        try (java.sql.Connection c = store.connection(); java.sql.Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET fsync = on");
            st.execute("SELECT pg_reload_conf()");
        }
        return store;
    }
}
