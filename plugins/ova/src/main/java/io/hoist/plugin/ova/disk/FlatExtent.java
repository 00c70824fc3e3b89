package io.hoist.plugin.ova.disk;

import io.hoist.plugin.ova.archive.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A {@code FLAT} (or {@code VMFS}) extent: the disk's bytes as they are, at an offset of a file.
 * A flat file carries no allocation map, so {@link #mapExtents} finds zero runs by reading: a second read
 * of local or NFS bytes is far cheaper than writing (and storing) zeros on the target.
 */
final class FlatExtent implements VmdkExtent {
    /** Granularity of zero detection: the same 64 KiB as a VMDK grain. */
    static final int BLOCK = 64 * 1024;
    private static final int SCAN_BUFFER = 16 * BLOCK;

    private final ByteRange file;
    private final long base;
    private final long size;

    FlatExtent(ByteRange file, long base, long size) throws IOException {
        if (base + size > file.length()) {
            throw new IOException(file.name() + ": flat extent needs " + (base + size) + " bytes but the file has "
                    + file.length() + " (truncated?)");
        }
        this.file = file;
        this.base = base;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        ByteBuffer slice = dst.slice().limit(n);
        file.readFully(base + offset, slice);
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public void mapExtents(long offset, long length, long shift, ExtentCollector out) throws IOException {
        byte[] buf = new byte[SCAN_BUFFER];
        long pos = offset;
        long end = Math.min(size, offset + length);
        while (pos < end) {
            long chunkEnd = Math.min(end, pos + SCAN_BUFFER);
            int n = (int) (chunkEnd - pos);
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            file.readFully(base + pos, b);
            int i = 0;
            while (i < n) {
                long p = pos + i;
                // Blocks are aligned to the extent, so calls over neighbouring ranges agree.
                int k = (int) Math.min(n - i, (p / BLOCK + 1) * BLOCK - p);
                boolean zero = Arrays.mismatch(buf, i, i + k, ZEROS, 0, k) < 0;
                out.add(shift + p, k, zero);
                i += k;
            }
            pos = chunkEnd;
        }
    }
}
