package io.hoist.plugin.ova.disk;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.nio.ByteBuffer;
import java.util.List;

/** A disk the OVF declares without a file (a new, empty disk): all zeros, one zero extent. */
public final class BlankDiskReader implements DiskReader {
    private final long size;
    private final String name;
    private final ZeroExtent zeros;

    public BlankDiskReader(long size, String name) {
        this.size = size;
        this.name = name;
        this.zeros = new ZeroExtent(size);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        long end = Math.min(size, offset + length);
        return end > offset ? List.of(Extent.zeros(offset, end - offset)) : List.of();
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        return zeros.read(offset, dst);
    }

    @Override
    public String describe() {
        return name + " (blank disk, no file)";
    }

    @Override
    public void close() {}
}
