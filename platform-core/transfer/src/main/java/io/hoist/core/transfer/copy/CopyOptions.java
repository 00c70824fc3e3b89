package io.hoist.core.transfer.copy;

import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.DiskChecksum;
import java.time.Duration;

/**
 * Tuning of one copy.
 *
 * @param inFlight        requests in flight at once (one worker and one reusable 4 MiB direct buffer each)
 * @param requestSize     largest single read call, a power of two from 64 KiB to 4 MiB (the unit bandwidth budgets
 *                        are charged in; the NBD reader sends it as pipelined requests of at most 256 KiB)
 * @param checkpointEvery how often durable progress is recorded (flush target, then save)
 * @param progressEvery   how often progress events are emitted
 * @param maxAttempts     attempts per request before the disk fails (1 = no retry)
 * @param maxFailures     failed attempts tolerated over the whole copy before it fails
 * @param initialBackoff  wait after the first failure; doubles per consecutive failure up to {@code maxBackoff}
 * @param maxBackoff      longest wait between attempts
 * @param checksum        {@code sha256-4m} or {@code xxh128-4m} (hash and compare both sides) or {@code none} (no hashing, no verified claim)
 */
public record CopyOptions(int inFlight, int requestSize, Duration checkpointEvery, Duration progressEvery,
                          int maxAttempts, int maxFailures, Duration initialBackoff, Duration maxBackoff,
                          ChecksumMode checksum) {
    public static final CopyOptions DEFAULT = new CopyOptions(8, DiskChecksum.BLOCK_SIZE, Duration.ofSeconds(10),
            Duration.ofMillis(500), 6, 100, Duration.ofMillis(100), Duration.ofSeconds(10), ChecksumMode.SHA256_4M);

    public CopyOptions {
        if (checksum == null) {
            throw new IllegalArgumentException("checksum must be set (sha256-4m, xxh128-4m or none)");
        }
        if (inFlight < 1 || inFlight > 256) {
            throw new IllegalArgumentException("inFlight must be between 1 and 256, got " + inFlight);
        }
        if (requestSize < 64 * 1024 || requestSize > DiskChecksum.BLOCK_SIZE || Integer.bitCount(requestSize) != 1) {
            throw new IllegalArgumentException("requestSize must be a power of two from 64 KiB to 4 MiB, got " + requestSize);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        if (maxFailures < 0) {
            throw new IllegalArgumentException("maxFailures must be >= 0, got " + maxFailures);
        }
    }

    public CopyOptions withInFlight(int n) {
        return new CopyOptions(n, requestSize, checkpointEvery, progressEvery, maxAttempts, maxFailures, initialBackoff, maxBackoff, checksum);
    }

    public CopyOptions withRequestSize(int bytes) {
        return new CopyOptions(inFlight, bytes, checkpointEvery, progressEvery, maxAttempts, maxFailures, initialBackoff, maxBackoff, checksum);
    }

    public CopyOptions withCheckpointEvery(Duration d) {
        return new CopyOptions(inFlight, requestSize, d, progressEvery, maxAttempts, maxFailures, initialBackoff, maxBackoff, checksum);
    }

    public CopyOptions withProgressEvery(Duration d) {
        return new CopyOptions(inFlight, requestSize, checkpointEvery, d, maxAttempts, maxFailures, initialBackoff, maxBackoff, checksum);
    }

    public CopyOptions withRetries(int attempts, int failures, Duration initial, Duration max) {
        return new CopyOptions(inFlight, requestSize, checkpointEvery, progressEvery, attempts, failures, initial, max, checksum);
    }

    public CopyOptions withChecksum(ChecksumMode mode) {
        return new CopyOptions(inFlight, requestSize, checkpointEvery, progressEvery, maxAttempts, maxFailures, initialBackoff, maxBackoff, mode);
    }
}
