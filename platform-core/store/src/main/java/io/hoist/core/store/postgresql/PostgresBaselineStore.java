package io.hoist.core.store.postgresql;

import io.hoist.core.transfer.checkpoint.BaselineStore;
import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Warm-migration baselines in the shared PostgreSQL store ({@code transfer_baselines}, Flyway {@code V5}): whichever
 * node runs a warm VM's next precopy round or its cutover finds the block digests the last pass left, wherever that
 * pass ran. One row per disk, replaced by each pass in one statement (a pass's digests are written whole: 256 KiB for
 * a 32 GiB disk, once per round, against a checkpoint's appends every 2 s). A pass run with checksum none is a row
 * with no digests. The row keeps the size the digests were taken at, so a disk whose size changed meets the copier's
 * own check ("baseline digests are for a disk of N bytes") rather than a misread.
 */
public final class PostgresBaselineStore implements BaselineStore {
    private final PostgresResourceStore store;

    public PostgresBaselineStore(PostgresResourceStore store) {
        this.store = store;
    }

    @Override
    public Optional<Baseline> load(String key, long size, ChecksumMode wanted) throws IOException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT checksum, virtual_size, digests FROM transfer_baselines WHERE disk_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ChecksumMode mode = ChecksumMode.parse(rs.getString(1), "transfer_baselines.checksum of " + key);
                byte[] digests = rs.getBytes(3);
                if (!mode.verifies() || digests == null) {
                    return Optional.of(Baseline.UNHASHED);
                }
                return Optional.of(new Baseline(BlockDigests.of(mode, rs.getLong(2), digests)));
            }
        } catch (SQLException | RuntimeException e) {
            throw new IOException("reading the warm baseline of disk " + key + " from PostgreSQL failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void save(String key, BlockDigests digests) throws IOException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO transfer_baselines"
                     + " (disk_key, checksum, virtual_size, digests, updated_at) VALUES (?, ?, ?, ?, clock_timestamp())"
                     + " ON CONFLICT (disk_key) DO UPDATE SET checksum = EXCLUDED.checksum,"
                     + " virtual_size = EXCLUDED.virtual_size, digests = EXCLUDED.digests, updated_at = EXCLUDED.updated_at")) {
            ps.setString(1, key);
            ps.setString(2, digests == null ? ChecksumMode.NONE.label() : digests.mode().label());
            ps.setLong(3, digests == null ? 0 : digests.virtualSize());
            ps.setBytes(4, digests == null ? null : digests.prefix(digests.blockCount()));
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            throw new IOException("saving the warm baseline of disk " + key + " in PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
