package io.hoist.core.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite store does; the shared contract is {@link SqliteStoreContractTest}. */
class SqliteResourceStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ObjectNode plan(String ns, String name, String desc) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", ns).put("name", name);
        o.putObject("spec").put("description", desc);
        return o;
    }






    @Test
    void theDatabaseFileIsTheOwnersAlone() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            store.create(ResourceKind.PLAN, plan("ns", "p", "a"));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(SqliteResourceStore.DB_FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void changeLogIsPrunedButCounterKeepsGoing() {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir, 10)) {
            for (int i = 0; i < 101; i++) {
                store.create(ResourceKind.CONFIG_MAP, plan("ns", "cm-" + i, ""));
            }
            assertThat(store.oldestReplayableVersion()).isBetween(91L, 101L);
            assertThat(store.currentVersion()).isEqualTo(101);
            List<ResourceStore.WatchEvent> replayed = new ArrayList<>();
            store.watch(ResourceKind.CONFIG_MAP, null, 0, replayed::add).close();
            assertThat(replayed).hasSizeBetween(1, 11);
        }
    }

}
