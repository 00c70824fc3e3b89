package io.hoist.core.transfer.nbd;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.pool.ConnectionPool;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an NBD export over a pool of connections, one per concurrent caller: each copy worker gets a connection
 * of its own, so requests run in parallel without a demultiplexer. A connection that fails is closed, never
 * reused; the next call opens a fresh one, so a dropped connection costs one retried request.
 */
public final class NbdDiskReader implements DiskReader {
    /** BLOCK_STATUS lengths are 32-bit; ask in pieces no larger than this. */
    private static final int MAX_STATUS_REQUEST = 1 << 30;

    private final NbdUri uri;
    private final ConnectionPool<NbdConnection> pool;
    private final long size;
    private final boolean hasAllocationMap;

    public NbdDiskReader(URI uri) throws IOException {
        this(NbdUri.parse(uri));
    }

    public NbdDiskReader(NbdUri uri) throws IOException {
        this.uri = uri;
        this.pool = new ConnectionPool<>(uri.display(), () -> NbdConnection.open(uri));
        NbdConnection first = NbdConnection.open(uri);
        this.size = first.size();
        this.hasAllocationMap = first.hasAllocationMap();
        pool.add(first);
    }

    @Override
    public long size() {
        return size;
    }

    /** Whether the server offers {@code base:allocation}; without it every range is reported as data. */
    public boolean hasAllocationMap() {
        return hasAllocationMap;
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        if (!hasAllocationMap) {
            return DiskReader.super.extents(offset, length);
        }
        List<Extent> out = new ArrayList<>(4);
        long end = Math.min(offset + length, size);
        long pos = offset;
        NbdConnection c = pool.take();
        try {
            while (pos < end) {
                List<Extent> got = c.blockStatus(pos, (int) Math.min(end - pos, MAX_STATUS_REQUEST));
                if (got.isEmpty()) {
                    throw new NbdException(uri.display() + ": block status at " + pos + " returned no extents", 0);
                }
                for (Extent e : got) {
                    if (pos >= end) {
                        break;
                    }
                    long len = Math.min(e.length(), end - pos);
                    out.add(new Extent(pos, len, e.zero()));
                    pos += len;
                }
            }
        } catch (IOException | RuntimeException e) {
            pool.discard(c);
            throw e;
        }
        pool.give(c);
        return out;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        if (n == 0) {
            return 0;
        }
        int limit = dst.limit();
        dst.limit(dst.position() + n);
        NbdConnection c = pool.take();
        try {
            c.read(offset, dst);
        } catch (NbdException e) {
            dst.limit(limit);
            if (e.connectionUsable()) {
                pool.give(c); // the server answered with an error reply; the connection is still in step
            } else {
                pool.discard(c);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            dst.limit(limit);
            pool.discard(c);
            throw e;
        }
        dst.limit(limit);
        pool.give(c);
        return n;
    }

    @Override
    public String describe() {
        return uri.display();
    }

    @Override
    public void close() {
        pool.close();
    }
}
