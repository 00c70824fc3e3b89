package io.hoist.core.transfer.checksum;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;

/**
 * {@code xxh128-4m} blocks with hash4j's pure-Java XXH3-128: the fallback where libxxhash is missing
 * ({@link Xxh128BlockHasher} is the fast path). hash4j reads byte arrays only, so a direct buffer is copied through
 * a 64 KiB array, piece by piece; streaming XXH3 gives the one-shot digest. Same 16-byte canonical digest (high 64
 * bits then low 64, big-endian) at the front of the 32-byte slot.
 */
final class Xxh128JavaBlockHasher implements BlockHasher {
    private static final int CHUNK = 64 << 10;
    private final HashStream128 stream = Hashing.xxh3_128().hashStream();
    private final byte[] chunk = new byte[CHUNK];

    @Override
    public byte[] digest(ByteBuffer buf) {
        start();
        update(buf);
        return finish();
    }

    @Override
    public void start() {
        stream.reset();
    }

    @Override
    public void update(ByteBuffer buf) {
        if (buf.hasArray()) {
            stream.putBytes(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
            buf.position(buf.limit());
            return;
        }
        while (buf.hasRemaining()) {
            int n = Math.min(buf.remaining(), CHUNK);
            buf.get(chunk, 0, n);
            stream.putBytes(chunk, 0, n);
        }
    }

    @Override
    public void updateZeros(long length) {
        java.util.Arrays.fill(chunk, (byte) 0);
        while (length > 0) {
            int n = (int) Math.min(length, CHUNK);
            stream.putBytes(chunk, 0, n);
            length -= n;
        }
    }

    @Override
    public byte[] finish() {
        HashValue128 h = stream.get();
        byte[] out = new byte[DiskChecksum.DIGEST_LENGTH];
        ByteBuffer.wrap(out).putLong(h.getMostSignificantBits()).putLong(h.getLeastSignificantBits());
        return out;
    }
}
