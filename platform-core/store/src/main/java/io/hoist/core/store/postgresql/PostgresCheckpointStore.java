package io.hoist.core.store.postgresql;

import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Disk-copy checkpoints in the shared PostgreSQL store ({@code transfer_checkpoints}, Flyway {@code V3}), so whichever
 * node runs a VM next resumes its disk copies from where the last node left them. As the file store does, a save
 * appends only the blocks done since the stored checkpoint, as one segment row; a different fingerprint, size or a
 * shorter checkpoint replaces the whole entry. Each save is one transaction of its own (not the resource writes',
 * which serialise on the store's version counter), committed before it returns: durable under PostgreSQL's default
 * {@code synchronous_commit=on}. The caller flushes the target first, so a stored checkpoint never claims bytes the
 * target does not hold. A guarded store ({@link HeldRuns}) refuses the save of a run this node no longer holds, in the
 * save's transaction under a share lock on the run's placement row ({@link RunEpochs}), writing nothing.
 */
public final class PostgresCheckpointStore implements CheckpointStore {
    private final PostgresResourceStore store;
    /** The runs of this node whose saves are checked against their placement epoch; null: none are. */
    private final HeldRuns held;

    public PostgresCheckpointStore(PostgresResourceStore store) {
        this(store, null);
    }

    /** Refusing the saves of the runs of {@code held} once they were placed on another node. */
    public PostgresCheckpointStore(PostgresResourceStore store, HeldRuns held) {
        this.store = store;
        this.held = held;
    }

    @Override
    public Optional<Checkpoint> load(String diskId) throws IOException {
        return run(diskId, "reading", c -> {
            // One statement, one snapshot: the header and its segments agree even while another node saves.
            try (PreparedStatement ps = c.prepareStatement("SELECT c.fingerprint, c.virtual_size, c.blocks_done,"
                    + " s.first_block, s.digests FROM transfer_checkpoints c"
                    + " LEFT JOIN transfer_checkpoint_segments s ON s.disk_key = c.disk_key"
                    + " WHERE c.disk_key = ? ORDER BY s.first_block")) {
                ps.setString(1, diskId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String fingerprint = rs.getString(1);
                    long size = rs.getLong(2);
                    int blocksDone = rs.getInt(3);
                    ByteArrayOutputStream pairs = new ByteArrayOutputStream();
                    int blocks = 0;
                    do {
                        byte[] digests = rs.getBytes(5);
                        // segments are contiguous by construction; a gap would end what can be trusted
                        if (digests == null || rs.getInt(4) != blocks || digests.length % Checkpoint.PAIR_BYTES != 0) {
                            break;
                        }
                        pairs.writeBytes(digests);
                        blocks += digests.length / Checkpoint.PAIR_BYTES;
                    } while (rs.next() && blocks < blocksDone);
                    byte[] all = pairs.toByteArray();
                    int trusted = Math.min(blocks, blocksDone);
                    byte[] prefix = java.util.Arrays.copyOf(all, trusted * Checkpoint.PAIR_BYTES);
                    return Optional.of(Checkpoint.ofDigestPairs(fingerprint, size, prefix));
                }
            }
        });
    }

    @Override
    public void save(String diskId, Checkpoint cp) throws IOException {
        run(diskId, "saving", c -> {
            c.setAutoCommit(false);
            try {
                HeldRuns.Run run = held == null ? null : held.ofCheckpoint(diskId);
                if (run != null) {
                    RunEpochs.refuseStale(c, List.of(run));
                }
                int stored = -1;
                try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, virtual_size, blocks_done"
                        + " FROM transfer_checkpoints WHERE disk_key = ? FOR UPDATE")) {
                    ps.setString(1, diskId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getString(1).equals(cp.fingerprint()) && rs.getLong(2) == cp.virtualSize()) {
                            stored = rs.getInt(3);
                        }
                    }
                }
                if (stored >= 0 && stored <= cp.blocksDone()) {
                    if (stored < cp.blocksDone()) {
                        insertSegment(c, diskId, stored, cp.digestPairs(stored, cp.blocksDone()));
                        try (PreparedStatement ps = c.prepareStatement("UPDATE transfer_checkpoints SET blocks_done = ?,"
                                + " updated_at = clock_timestamp() WHERE disk_key = ?")) {
                            ps.setInt(1, cp.blocksDone());
                            ps.setString(2, diskId);
                            ps.executeUpdate();
                        }
                    }
                } else {
                    replace(c, diskId, cp);
                }
                c.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    @Override
    public void clear(String diskId) throws IOException {
        run(diskId, "clearing", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM transfer_checkpoints WHERE disk_key = ?")) {
                ps.setString(1, diskId);
                ps.executeUpdate(); // the segments go with it (ON DELETE CASCADE)
            }
            return null;
        });
    }

    /** Another copy (fingerprint or size), or fewer blocks than stored: the entry is written anew. */
    private static void replace(Connection c, String diskId, Checkpoint cp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM transfer_checkpoint_segments WHERE disk_key = ?")) {
            ps.setString(1, diskId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO transfer_checkpoints"
                + " (disk_key, fingerprint, virtual_size, blocks_done, updated_at) VALUES (?, ?, ?, ?, clock_timestamp())"
                + " ON CONFLICT (disk_key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
                + " virtual_size = EXCLUDED.virtual_size, blocks_done = EXCLUDED.blocks_done, updated_at = EXCLUDED.updated_at")) {
            ps.setString(1, diskId);
            ps.setString(2, cp.fingerprint());
            ps.setLong(3, cp.virtualSize());
            ps.setInt(4, cp.blocksDone());
            ps.executeUpdate();
        }
        if (cp.blocksDone() > 0) {
            insertSegment(c, diskId, 0, cp.digestPairs(0, cp.blocksDone()));
        }
    }

    private static void insertSegment(Connection c, String diskId, int firstBlock, byte[] digests) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO transfer_checkpoint_segments (disk_key, first_block, digests) VALUES (?, ?, ?)")) {
            ps.setString(1, diskId);
            ps.setInt(2, firstBlock);
            ps.setBytes(3, digests);
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The copier expects {@link IOException}s from its checkpoint store: a failed save fails the copy's try. */
    private <T> T run(String diskId, String doing, Work<T> work) throws IOException {
        try (Connection c = store.connection()) {
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            throw new IOException(doing + " the checkpoint of disk " + diskId + " in PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
