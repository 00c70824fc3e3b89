package io.hoist.core.transfer.nbd;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reads an NBD export over a pool of connections, one per concurrent caller: each copy worker gets a connection
 * of its own, so requests run in parallel without a demultiplexer. A connection that fails is closed, never
 * reused; the next call opens a fresh one, so a dropped connection costs one retried request.
 */
public final class NbdDiskReader implements DiskReader {
    /** BLOCK_STATUS lengths are 32-bit; ask in pieces no larger than this. */
    private static final int MAX_STATUS_REQUEST = 1 << 30;

    private final NbdUri uri;
    private final ConcurrentLinkedQueue<NbdConnection> idle = new ConcurrentLinkedQueue<>();
    private final long size;
    private final boolean hasAllocationMap;
    private volatile boolean closed;

    public NbdDiskReader(URI uri) throws IOException {
        this(NbdUri.parse(uri));
    }

    public NbdDiskReader(NbdUri uri) throws IOException {
        this.uri = uri;
        NbdConnection first = NbdConnection.open(uri);
        this.size = first.size();
        this.hasAllocationMap = first.hasAllocationMap();
        idle.add(first);
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
        NbdConnection c = take();
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
            c.close();
            throw e;
        }
        give(c);
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
        NbdConnection c = take();
        try {
            c.read(offset, dst);
        } catch (NbdException e) {
            dst.limit(limit);
            if (e.connectionUsable()) {
                give(c); // the server answered with an error reply; the connection is still in step
            } else {
                c.close();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            dst.limit(limit);
            c.close();
            throw e;
        }
        dst.limit(limit);
        give(c);
        return n;
    }

    private NbdConnection take() throws IOException {
        if (closed) {
            throw new IOException(uri.display() + ": reader is closed");
        }
        NbdConnection c = idle.poll();
        return c != null ? c : NbdConnection.open(uri);
    }

    private void give(NbdConnection c) {
        idle.add(c);
        if (closed) {
            drain();
        }
    }

    @Override
    public String describe() {
        return uri.display();
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        NbdConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }
}
