package io.hoist.core.transfer.copy;

import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.time.Duration;

/**
 * What one copy did.
 *
 * @param virtualSize     size of the disk
 * @param bytesRead       data bytes read from the source in this run
 * @param bytesWritten    data bytes written to the target in this run
 * @param bytesZeroed     bytes made zero on the target without writing them (holes / WRITE_ZEROES)
 * @param bytesUnchanged  bytes skipped because a warm delta said they did not change
 * @param resumedFrom     bytes already done by an earlier run (from its checkpoint), 0 for a fresh copy
 * @param retries         failed attempts that a retry then recovered
 * @param elapsed         wall time of this run
 * @param checksum        what the copy was checked with; {@code none}: not verified, the checksums below are null
 * @param sourceChecksum  {@code sha256-4m:} of what was read (whole disk, including zeros and earlier runs)
 * @param targetChecksum  {@code sha256-4m:} of what was written or zeroed (whole disk)
 * @param targetDigests   per-block digests of the target; the baseline of the next warm delta (null for none)
 */
public record CopyResult(long virtualSize, long bytesRead, long bytesWritten, long bytesZeroed, long bytesUnchanged,
                         long resumedFrom, int retries, Duration elapsed, ChecksumMode checksum, String sourceChecksum,
                         String targetChecksum, BlockDigests targetDigests) {
    /** True only when both checksums were computed and are equal (a {@code none} copy is never verified). */
    public boolean verified() {
        return checksum.verifies() && sourceChecksum != null && sourceChecksum.equals(targetChecksum);
    }

    /** Virtual bytes handled by this run (read + zeroed) per second. */
    public double bytesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? (virtualSize - resumedFrom - bytesUnchanged) / seconds : 0;
    }
}
