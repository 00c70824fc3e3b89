package io.hoist.core.store.postgresql;

import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.ResourceStoreContractTest;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on a real PostgreSQL (one throwaway cluster for the class, a new database per test). */
class PostgresStoreContractTest extends ResourceStoreContractTest {
    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();
    private PostgresLocation location;

    @BeforeEach
    void newDatabase() throws Exception {
        location = PostgresLocation.parse(POSTGRES.server().newDatabase(), Map.of("PGPASSWORD", POSTGRES.server().password()));
    }

    @Override
    protected ResourceStore newStore() {
        return PostgresResourceStore.open(location);
    }

    @Override
    protected ResourceStore reopen() {
        return PostgresResourceStore.open(location);
    }

    @Override
    protected Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(location.jdbcUrl(), location.properties());
    }
}
