package io.hoist.core.transfer.checkpoint;

import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.io.IOException;
import java.util.Optional;

/**
 * What a warm migration keeps between its passes for the next delta, one entry per disk: the target's block digests
 * of the last pass (the delta's baseline, so its checksum still covers the whole disk), or that the pass ran with
 * checksum {@code none} (then the next delta has no baseline and no checksum either). {@link FileBaselineStore} keeps
 * them in a directory (one process); nodes sharing a PostgreSQL store use {@code PostgresBaselineStore}
 * (platform-core/store), so a warm VM moved to another node finds its baseline there.
 */
public interface BaselineStore {
    /** The last pass of a disk: its target digests, or null digests when it ran without a checksum. */
    record Baseline(BlockDigests digests) {
        public static final Baseline UNHASHED = new Baseline(null);

        public boolean unhashed() {
            return digests == null;
        }
    }

    /**
     * The last pass recorded for {@code key}, empty when none was. {@code size} is the disk's size now and
     * {@code wanted} the algorithm asked for, for a store that may hold digests of more than one (the file store
     * during a change of algorithm); a store keeping one entry returns it as recorded.
     */
    Optional<Baseline> load(String key, long size, ChecksumMode wanted) throws IOException;

    /** Records a pass in place of the previous one: its digests, or (null) that it ran with checksum none. */
    void save(String key, BlockDigests digests) throws IOException;
}
