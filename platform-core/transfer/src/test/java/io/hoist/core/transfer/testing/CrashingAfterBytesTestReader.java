package io.hoist.core.transfer.testing;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test double: wraps a real reader and fails every read once {@code limit} bytes were delivered, like a source
 * host that dies mid-copy. Also counts the bytes it served, so tests can prove a resume skipped the done part.
 */
public final class CrashingAfterBytesTestReader implements DiskReader {
    private final DiskReader real;
    private final long limit;
    private final AtomicLong served = new AtomicLong();

    public CrashingAfterBytesTestReader(DiskReader real, long limit) {
        this.real = real;
        this.limit = limit;
    }

    public long served() {
        return served.get();
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        return real.extents(offset, length);
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        if (served.get() >= limit) {
            throw new IOException("source host went away (test crash after " + limit + " bytes)");
        }
        int n = real.read(offset, dst);
        served.addAndGet(n);
        return n;
    }

    @Override
    public String describe() {
        return "crashing " + real.describe();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
