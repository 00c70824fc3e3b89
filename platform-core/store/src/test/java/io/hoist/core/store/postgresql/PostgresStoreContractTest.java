package io.hoist.core.store.postgresql;

import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.ResourceStoreContractTest;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    protected String storedBodyRow(ResourceKind kind, String namespace, String name) throws SQLException {
        return query("SELECT body FROM objects WHERE kind = ? AND namespace = ? AND name = ?", kind.name(), namespace, name);
    }

    @Override
    protected String changeBodyRow(long rv) throws SQLException {
        return query("SELECT body FROM changes WHERE rv = ?", rv);
    }

    private String query(String sql, Object... args) throws SQLException {
        try (Connection c = DriverManager.getConnection(location.jdbcUrl(), location.properties());
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
