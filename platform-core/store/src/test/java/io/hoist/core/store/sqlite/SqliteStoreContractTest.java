package io.hoist.core.store.sqlite;

import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.ResourceStoreContractTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
    protected Connection rawConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
    }
}
