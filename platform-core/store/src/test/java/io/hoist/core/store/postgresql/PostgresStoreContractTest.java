package io.hoist.core.store.postgresql;

import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.ResourceStoreContractTest;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The store contract on a real PostgreSQL (one throwaway cluster for the class, a new database per test). */
class PostgresStoreContractTest extends ResourceStoreContractTest {
    private static PostgresTestServer server;
    private PostgresLocation location;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresTestServer.create();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newDatabase() throws Exception {
        location = PostgresLocation.parse(server.newDatabase(), Map.of("PGPASSWORD", server.password()));
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
