package io.hoist.core.transfer.checksum;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The project-wide disk checksum, {@code sha256-4m:<hex>}: SHA-256 of each 4 MiB block of the virtual disk
 * (the last block as long as it is), then SHA-256 over the concatenated block digests. Per-block digests let
 * copies hash in parallel and let a resumed copy keep the digests of blocks done before a crash.
 * {@code xxh128-4m:<hex>} is built the same way with XXH3-128 (16-byte canonical digests, concatenated without
 * padding for the top-level hash).
 */
public final class DiskChecksum {
    public static final int BLOCK_SIZE = 4 * 1024 * 1024;
    public static final int DIGEST_LENGTH = 32;
    public static final String PREFIX = "sha256-4m:";

    /** Read-only direct zeros, one block long: compared against to detect zero runs and fed to digests. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK_SIZE).asReadOnlyBuffer();
    /**
     * SHA-256 of 4 MiB of zeros, written out: computing it at start-up ran SHA-256 in the interpreter (before the
     * JIT's SHA-NI intrinsic exists) and cost ~0.3 CPU-s per {@code hoist copy}, most of a small copy's cost.
     * {@code ChecksumsTest} recomputes it.
     */
    static final byte[] FULL_ZERO_BLOCK_DIGEST =
            HexFormat.of().parseHex("bb9f8df61474d25e71fa00722318cd387396ca1736605e1248821cc0de3d3af8");

    private DiskChecksum() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JDK", e);
        }
    }

    public static long blockCount(long virtualSize) {
        return (virtualSize + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    public static int blockLength(long virtualSize, long blockIndex) {
        return (int) Math.min(BLOCK_SIZE, virtualSize - blockIndex * BLOCK_SIZE);
    }

    /** The xxh128-4m digest slot of a full block of zeros, computed on first use (natively: well under 1 ms). */
    private static volatile byte[] fullZeroBlockXxh128;

    /** The sha256-4m digest of a block of {@code length} zero bytes (a hole); the full-size one is written out. */
    public static byte[] zeroBlockDigest(int length) {
        return length == BLOCK_SIZE ? FULL_ZERO_BLOCK_DIGEST.clone() : digestOfZeros(length);
    }

    /** The {@code mode} digest slot of a block of {@code length} zero bytes. */
    public static byte[] zeroBlockDigest(ChecksumMode mode, int length) {
        if (mode == ChecksumMode.SHA256_4M) {
            return zeroBlockDigest(length);
        }
        if (length == BLOCK_SIZE) {
            byte[] d = fullZeroBlockXxh128;
            if (d == null) {
                d = mode.newHasher().digest(ZEROS.duplicate());
                fullZeroBlockXxh128 = d;
            }
            return d.clone();
        }
        return mode.newHasher().digest(ZEROS.duplicate().limit(length));
    }

    /** Feeds {@code length} zero bytes to {@code digest}. */
    public static void updateWithZeros(MessageDigest digest, long length) {
        while (length > 0) {
            int n = (int) Math.min(length, BLOCK_SIZE);
            digest.update(ZEROS.duplicate().limit(n));
            length -= n;
        }
    }

    /** Fills {@code buf} from its position to its limit with zeros. */
    public static void fillZeros(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            int n = Math.min(buf.remaining(), BLOCK_SIZE);
            buf.put(ZEROS.duplicate().limit(n));
        }
    }

    /**
     * True if {@code buf}'s bytes from {@code from} to {@code to} (absolute indexes, within its limit) are all zero;
     * a vectorised compare against a zero buffer, far cheaper than hashing.
     */
    public static boolean isZero(ByteBuffer buf, int from, int to) {
        int pos = from;
        while (pos < to) {
            int n = Math.min(to - pos, BLOCK_SIZE);
            if (buf.slice(pos, n).mismatch(ZEROS.slice(0, n)) != -1) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** The sha256-4m disk checksum from the concatenated block digests, in block order. */
    public static String format(byte[] concatenatedBlockDigests) {
        MessageDigest top = newDigest();
        top.update(concatenatedBlockDigests);
        return PREFIX + HexFormat.of().formatHex(top.digest());
    }

    /** The {@code mode} disk checksum from the block digest slots ({@link #DIGEST_LENGTH} bytes each), in block order. */
    public static String format(ChecksumMode mode, byte[] slots) {
        if (mode == ChecksumMode.SHA256_4M) {
            return format(slots);
        }
        int n = slots.length / DIGEST_LENGTH;
        byte[] digests = new byte[n * Xxh3Native.DIGEST_LENGTH];
        for (int i = 0; i < n; i++) {
            System.arraycopy(slots, i * DIGEST_LENGTH, digests, i * Xxh3Native.DIGEST_LENGTH, Xxh3Native.DIGEST_LENGTH);
        }
        byte[] top = mode.newHasher().digest(ByteBuffer.wrap(digests));
        return mode.prefix() + HexFormat.of().formatHex(top, 0, Xxh3Native.DIGEST_LENGTH);
    }

    static byte[] digestOfZeros(int length) {
        MessageDigest d = newDigest();
        updateWithZeros(d, length);
        return d.digest();
    }
}
