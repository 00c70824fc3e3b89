package io.hoist.core.store.sqlite;

import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.ResourceStoreContractTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite store. */
class SqliteStoreContractTest extends ResourceStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected ResourceStore newStore() {
        return SqliteResourceStore.open(dir);
    }

    @Override
    protected ResourceStore reopen() {
        return SqliteResourceStore.open(dir);
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
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
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
