package io.hoist.core.store.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkpoints in the shared store, as two nodes see them: two stores opened on one real PostgreSQL stand for two
 * nodes; what one saves the other loads, saves append only the new blocks, another copy replaces them.
 */
class PostgresCheckpointStoreTest {
    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private static PostgresLocation database() throws Exception {
        return PostgresLocation.parse(POSTGRES.server().newDatabase(), Map.of("PGPASSWORD", POSTGRES.server().password()));
    }

    /** A checkpoint of {@code blocks} blocks whose digests depend on the block number and {@code seed}. */
    static Checkpoint cp(String fingerprint, int blocks, int seed) {
        byte[] s = new byte[blocks * 32];
        byte[] t = new byte[blocks * 32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (i + seed);
            t[i] = (byte) (i * 7 + seed);
        }
        return new Checkpoint(fingerprint, 1L << 30, blocks, s, t);
    }

    @Test
    void whatOneNodeSavesAnotherLoadsAndSavesAppendOnlyTheNewBlocks() throws Exception {
        PostgresLocation db = database();
        try (PostgresResourceStore nodeA = PostgresResourceStore.open(db);
             PostgresResourceStore nodeB = PostgresResourceStore.open(db)) {
            PostgresCheckpointStore a = new PostgresCheckpointStore(nodeA);
            a.save("mig/vm-1/disk-0", cp("fp", 3, 1));
            a.save("mig/vm-1/disk-0", cp("fp", 10, 1));
            a.save("mig/vm-1/disk-0", cp("fp", 10, 1)); // nothing new: nothing written

            Checkpoint back = new PostgresCheckpointStore(nodeB).load("mig/vm-1/disk-0").orElseThrow();
            assertThat(back.fingerprint()).isEqualTo("fp");
            assertThat(back.virtualSize()).isEqualTo(1L << 30);
            assertThat(back.blocksDone()).isEqualTo(10);
            assertThat(back.sourceDigests()).isEqualTo(cp("fp", 10, 1).sourceDigests());
            assertThat(back.targetDigests()).isEqualTo(cp("fp", 10, 1).targetDigests());
            assertThat(segments(nodeA, "mig/vm-1/disk-0")).as("first blocks of the segments: one per save that added blocks")
                    .containsExactly(0, 3);

            // node B goes on with the copy node A began
            new PostgresCheckpointStore(nodeB).save("mig/vm-1/disk-0", cp("fp", 12, 1));
            assertThat(a.load("mig/vm-1/disk-0").orElseThrow().targetDigests()).isEqualTo(cp("fp", 12, 1).targetDigests());
            assertThat(a.load("mig/vm-1/disk-1")).as("a disk never saved").isEmpty();
        }
    }

    @Test
    void anotherCopyOrFewerBlocksReplaceTheCheckpointAndClearRemovesIt() throws Exception {
        try (PostgresResourceStore store = PostgresResourceStore.open(database())) {
            PostgresCheckpointStore checkpoints = new PostgresCheckpointStore(store);
            checkpoints.save("d", cp("old", 8, 2));
            checkpoints.save("d", cp("new", 2, 3));
            Checkpoint back = checkpoints.load("d").orElseThrow();
            assertThat(back.fingerprint()).isEqualTo("new");
            assertThat(back.blocksDone()).isEqualTo(2);
            assertThat(back.sourceDigests()).isEqualTo(cp("new", 2, 3).sourceDigests());
            assertThat(segments(store, "d")).containsExactly(0);

            checkpoints.save("d", cp("new", 6, 3));
            checkpoints.save("d", cp("new", 4, 4)); // a copy started over: fewer blocks, other digests
            back = checkpoints.load("d").orElseThrow();
            assertThat(back.blocksDone()).isEqualTo(4);
            assertThat(back.targetDigests()).isEqualTo(cp("new", 4, 4).targetDigests());

            checkpoints.save("e", cp("fp", 1, 0));
            checkpoints.clear("d");
            assertThat(checkpoints.load("d")).isEmpty();
            assertThat(segments(store, "d")).as("segments go with their checkpoint").isEmpty();
            assertThat(checkpoints.load("e")).as("other disks' checkpoints stay").isPresent();
        }
    }

    @Test
    void aCheckpointWithNoBlocksYetLoadsAsEmptyProgress() throws Exception {
        try (PostgresResourceStore store = PostgresResourceStore.open(database())) {
            PostgresCheckpointStore checkpoints = new PostgresCheckpointStore(store);
            checkpoints.save("d", cp("fp", 0, 0));
            Checkpoint back = checkpoints.load("d").orElseThrow();
            assertThat(back.blocksDone()).isZero();
            assertThat(back.fingerprint()).isEqualTo("fp");
        }
    }

    @Test
    void aStoreThatCannotBeReachedFailsTheSaveNamingTheDisk() throws Exception {
        PostgresResourceStore store = PostgresResourceStore.open(database());
        PostgresCheckpointStore checkpoints = new PostgresCheckpointStore(store);
        store.close();
        assertThatThrownBy(() -> checkpoints.save("mig/vm-9/disk-0", cp("fp", 1, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("saving the checkpoint of disk mig/vm-9/disk-0 in PostgreSQL failed")
                .hasMessageNotContaining(POSTGRES.server().password());
    }

    /** The first blocks of a checkpoint's segment rows, in order. */
    private static List<Integer> segments(PostgresResourceStore store, String diskKey) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT first_block FROM transfer_checkpoint_segments WHERE disk_key = ? ORDER BY first_block")) {
            ps.setString(1, diskKey);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }
}
