package io.hoist.core.transfer.checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@code xxh128-4m} blocks: XXH3-128 of the block through libxxhash ({@link Xxh3Native}), reading the worker's
 * buffer in place (where the library is missing, {@link Xxh128JavaBlockHasher}). The 16-byte digest fills the front of the 32-byte slot; the rest stays zero.
 */
final class Xxh128BlockHasher implements BlockHasher {
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(DiskChecksum.BLOCK_SIZE).asReadOnlyBuffer();
    private final MemorySegment scratch = Xxh3Native.newScratch(Arena.ofAuto());
    private MemorySegment state;

    Xxh128BlockHasher() {
        String missing = Xxh3Native.unavailableReason();
        if (missing != null) {
            throw new IllegalStateException("checksum xxh128-4m on libxxhash needs " + missing);
        }
    }

    @Override
    public byte[] digest(ByteBuffer buf) {
        byte[] out = new byte[DiskChecksum.DIGEST_LENGTH];
        byte[] digest = new byte[Xxh3Native.DIGEST_LENGTH];
        Xxh3Native.hash(segment(buf), scratch, digest);
        System.arraycopy(digest, 0, out, 0, digest.length);
        return out;
    }

    @Override
    public void start() {
        if (state == null) {
            state = Xxh3Native.createState();
        }
        Xxh3Native.reset(state);
    }

    @Override
    public void update(ByteBuffer buf) {
        Xxh3Native.update(state, segment(buf));
    }

    @Override
    public void updateZeros(long length) {
        while (length > 0) {
            int n = (int) Math.min(length, DiskChecksum.BLOCK_SIZE);
            Xxh3Native.update(state, MemorySegment.ofBuffer(ZEROS.duplicate().limit(n)));
            length -= n;
        }
    }

    @Override
    public byte[] finish() {
        byte[] out = new byte[DiskChecksum.DIGEST_LENGTH];
        byte[] digest = new byte[Xxh3Native.DIGEST_LENGTH];
        Xxh3Native.digest(state, scratch, digest);
        System.arraycopy(digest, 0, out, 0, digest.length);
        return out;
    }

    /** The buffer's bytes from position to limit, which then moves to the limit (as a digest's update does). */
    private static MemorySegment segment(ByteBuffer buf) {
        MemorySegment s = MemorySegment.ofBuffer(buf);
        buf.position(buf.limit());
        return s;
    }
}
