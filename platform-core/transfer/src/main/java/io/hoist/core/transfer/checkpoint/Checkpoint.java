package io.hoist.core.transfer.checkpoint;

import java.io.ByteArrayOutputStream;

/**
 * Durable progress of one disk copy: every block below {@code blocksDone} is on the target (flushed before this
 * was saved), with its source- and target-side digests so the resumed copy's checksum covers the whole disk.
 * {@code fingerprint} names what was being copied (size, source, target, changed areas); a checkpoint whose
 * fingerprint differs from the new copy's is ignored rather than resumed into the wrong disk.
 */
public record Checkpoint(String fingerprint, long virtualSize, int blocksDone, byte[] sourceDigests, byte[] targetDigests) {
    /** Bytes of one block's digest pair: its source digest, then its target digest. */
    public static final int PAIR_BYTES = 64;
    private static final int DIGEST_BYTES = 32;

    public Checkpoint {
        if (sourceDigests.length != targetDigests.length || sourceDigests.length != blocksDone * DIGEST_BYTES) {
            throw new IllegalArgumentException("checkpoint digests must hold 32 bytes per done block (" + blocksDone + ")");
        }
    }

    /**
     * The digests of blocks {@code from} (inclusive) to {@code to} (exclusive) as stores keep them: per block the
     * source digest, then the target digest. Stores append these per save, so a save writes only the new blocks.
     */
    public byte[] digestPairs(int from, int to) {
        if (from < 0 || to > blocksDone || from > to) {
            throw new IllegalArgumentException("blocks " + from + ".." + to + " are not within the " + blocksDone + " done");
        }
        byte[] out = new byte[(to - from) * PAIR_BYTES];
        for (int b = from; b < to; b++) {
            System.arraycopy(sourceDigests, b * DIGEST_BYTES, out, (b - from) * PAIR_BYTES, DIGEST_BYTES);
            System.arraycopy(targetDigests, b * DIGEST_BYTES, out, (b - from) * PAIR_BYTES + DIGEST_BYTES, DIGEST_BYTES);
        }
        return out;
    }

    /** The checkpoint whose blocks from 0 on have these digest pairs (as {@link #digestPairs} lays them out). */
    public static Checkpoint ofDigestPairs(String fingerprint, long virtualSize, byte[] pairs) {
        if (pairs.length % PAIR_BYTES != 0) {
            throw new IllegalArgumentException("digest pairs must be a multiple of " + PAIR_BYTES + " bytes, got " + pairs.length);
        }
        int blocks = pairs.length / PAIR_BYTES;
        ByteArrayOutputStream source = new ByteArrayOutputStream(blocks * DIGEST_BYTES);
        ByteArrayOutputStream target = new ByteArrayOutputStream(blocks * DIGEST_BYTES);
        for (int b = 0; b < blocks; b++) {
            source.write(pairs, b * PAIR_BYTES, DIGEST_BYTES);
            target.write(pairs, b * PAIR_BYTES + DIGEST_BYTES, DIGEST_BYTES);
        }
        return new Checkpoint(fingerprint, virtualSize, blocks, source.toByteArray(), target.toByteArray());
    }
}
