package io.hoist.core.engine.run;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** The engine's view of the transfer engine: one blocking, resumable, checksummed copy of a disk. */
public interface DiskCopyService {
    /** The prefix of a source host's budget among a copy's budgets. */
    String HOST_BUDGET_PREFIX = "host:";

    /** The name of the bandwidth budget every copy from {@code hostKey} draws from. */
    static String hostBudget(String hostKey) {
        return HOST_BUDGET_PREFIX + hostKey;
    }

    /**
     * Copies {@code reader} to {@code writer}; only {@code extents} when given (warm deltas), else
     * the reader's whole allocation map. Resumes from the durable checkpoint named {@code checkpointKey}
     * when one exists. Draws bandwidth from the named budgets.
     */
    Result copy(CopyRequest request) throws Exception;

    /** Forgets a disk's checkpoint (after the disk is finished or the VM is cleaned up). */
    void dropCheckpoint(String checkpointKey);

    /**
     * @param checkpointKey names this pass's checkpoint (one per disk and precopy round)
     * @param digestsKey    names the disk across passes: a warm delta needs the previous pass's block digests
     *                      so its checksum still covers the whole disk
     * @param extents       changed areas of a warm delta, or null for a full copy
     * @param budgets       shared bandwidth budgets to draw from: name to MiB/s (0 or less: unlimited)
     * @param checksum      sha256-4m or xxh128-4m (verify the copy) or none (no hashing, never claimed verified)
     * @param restarted     told, before the first byte, when an upload an earlier attempt (on any node) began starts
     *                      again from byte 0 because an upload stream cannot resume; receives the sentence saying so
     * @param delta         {@code extents} are the areas changed since an earlier pass (not a first pass's allocation):
     *                      without that pass's baseline the whole disk is copied instead
     */
    record CopyRequest(String checkpointKey, String digestsKey, String diskId, DiskReader reader, DiskWriter writer,
                       List<Extent> extents, java.util.Map<String, Double> budgets, Consumer<TransferProgress> progress,
                       BooleanSupplier canceled, ChecksumMode checksum, Consumer<String> restarted,
                       boolean delta) {
        public CopyRequest {
            restarted = restarted == null ? m -> { } : restarted;
        }

        /** A request nobody needs to be told about restarts of. */
        public CopyRequest(String checkpointKey, String digestsKey, String diskId, DiskReader reader, DiskWriter writer,
                           List<Extent> extents, java.util.Map<String, Double> budgets, Consumer<TransferProgress> progress,
                           BooleanSupplier canceled, ChecksumMode checksum) {
            this(checkpointKey, digestsKey, diskId, reader, writer, extents, budgets, progress, canceled, checksum, null,
                    false);
        }

        /** The same request drawing from {@code other} budgets (wrappers adding a node's or host's share). */
        public CopyRequest withBudgets(java.util.Map<String, Double> other) {
            return new CopyRequest(checkpointKey, digestsKey, diskId, reader, writer, extents, other, progress, canceled,
                    checksum, restarted, delta);
        }
    }

    /**
     * What was copied, with the project's {@code sha256-4m:} checksums of what was read and written; with checksum
     * {@code none} (asked for, or forced because an earlier pass of a warm migration had none) both are null.
     */
    record Result(long bytesCopied, long bytesTotal, ChecksumMode checksum, String sourceChecksum, String targetChecksum) {}
}
