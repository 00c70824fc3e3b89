package io.hoist.testkit.transfer;

import io.hoist.api.transfer.DiskReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Test double: a real reader that remembers the last buffer it filled, so a test can change bytes after the copier
 * hashed them (a late asynchronous reply landing in a buffer already reused) and provoke a checksum mismatch.
 */
public final class BufferKeepingReaderTestDouble implements DiskReader {
    private final DiskReader real;
    private volatile ByteBuffer last;

    public BufferKeepingReaderTestDouble(DiskReader real) {
        this.real = real;
    }

    /** The buffer of the last read. */
    public ByteBuffer last() {
        return last;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        last = dst;
        return real.read(offset, dst);
    }

    @Override
    public String describe() {
        return real.describe();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
