package io.hoist.core.transfer.checksum;

import java.util.Arrays;

/**
 * Per-block digests of one virtual disk in one {@link ChecksumMode}, in block order. Thread-safe for distinct blocks: each copy
 * worker sets only the blocks it copied. Kept after a copy so a warm delta can reuse the digests of blocks
 * that did not change.
 */
public final class BlockDigests {
    private final ChecksumMode mode;
    private final long virtualSize;
    private final byte[] digests;

    public BlockDigests(ChecksumMode mode, long virtualSize) {
        this(mode, virtualSize, new byte[Math.toIntExact(DiskChecksum.blockCount(virtualSize) * DiskChecksum.DIGEST_LENGTH)]);
    }

    private BlockDigests(ChecksumMode mode, long virtualSize, byte[] digests) {
        this.mode = mode;
        this.virtualSize = virtualSize;
        this.digests = digests;
    }

    /** Restores digests, e.g. from a checkpoint or the previous warm pass. */
    public static BlockDigests of(ChecksumMode mode, long virtualSize, byte[] concatenated) {
        long expected = DiskChecksum.blockCount(virtualSize) * DiskChecksum.DIGEST_LENGTH;
        if (concatenated.length != expected) {
            throw new IllegalArgumentException("block digests: expected " + expected + " bytes for a disk of "
                    + virtualSize + " bytes, got " + concatenated.length);
        }
        return new BlockDigests(mode, virtualSize, concatenated.clone());
    }

    /** The algorithm these digests were computed with. */
    public ChecksumMode mode() {
        return mode;
    }

    public long virtualSize() {
        return virtualSize;
    }

    public int blockCount() {
        return digests.length / DiskChecksum.DIGEST_LENGTH;
    }

    public void set(long block, byte[] digest) {
        System.arraycopy(digest, 0, digests, Math.toIntExact(block * DiskChecksum.DIGEST_LENGTH), DiskChecksum.DIGEST_LENGTH);
    }

    public byte[] get(long block) {
        int from = Math.toIntExact(block * DiskChecksum.DIGEST_LENGTH);
        return Arrays.copyOfRange(digests, from, from + DiskChecksum.DIGEST_LENGTH);
    }

    /** Copies of the digests of blocks {@code [0, blocks)}, concatenated (what a checkpoint stores). */
    public byte[] prefix(int blocks) {
        return Arrays.copyOf(digests, blocks * DiskChecksum.DIGEST_LENGTH);
    }

    /** Copies {@code [0, blocks)} from {@code concatenated} (a checkpoint's digests). */
    public void setPrefix(byte[] concatenated) {
        System.arraycopy(concatenated, 0, digests, 0, concatenated.length);
    }

    public boolean blockEquals(BlockDigests other, long block) {
        int from = Math.toIntExact(block * DiskChecksum.DIGEST_LENGTH);
        return Arrays.equals(digests, from, from + DiskChecksum.DIGEST_LENGTH,
                other.digests, from, from + DiskChecksum.DIGEST_LENGTH);
    }

    /** {@code sha256-4m:<hex>} or {@code xxh128-4m:<hex>} over all blocks. */
    public String checksum() {
        if (!mode.verifies()) {
            throw new IllegalStateException("checksum none: no digests were computed");
        }
        return DiskChecksum.format(mode, digests);
    }

    public byte[] toByteArray() {
        return digests.clone();
    }
}
