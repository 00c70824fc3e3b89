package io.hoist.core.transfer.checkpoint;

/**
 * Durable progress of one disk copy: every block below {@code blocksDone} is on the target (flushed before this
 * was saved), with its source- and target-side digests so the resumed copy's checksum covers the whole disk.
 * {@code fingerprint} names what was being copied (size, source, target, changed areas); a checkpoint whose
 * fingerprint differs from the new copy's is ignored rather than resumed into the wrong disk.
 */
public record Checkpoint(String fingerprint, long virtualSize, int blocksDone, byte[] sourceDigests, byte[] targetDigests) {
    public Checkpoint {
        if (sourceDigests.length != targetDigests.length || sourceDigests.length != blocksDone * 32) {
            throw new IllegalArgumentException("checkpoint digests must hold 32 bytes per done block (" + blocksDone + ")");
        }
    }
}
