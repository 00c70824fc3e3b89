package io.hoist.plugin.vsphere.disk;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk reader whose map of data and zeros comes from the allocated areas vSphere's changed block tracking reports
 * ({@code QueryChangedDiskAreas} with change id {@code *}), so a cold copy over the datastore file API never reads
 * what was never written: a thin 100 GiB disk holding 5 GiB reads 5 GiB. Reads go to the wrapped reader unchanged.
 */
public final class AllocatedAreasReader implements DiskReader {
    private final DiskReader inner;
    private final List<Extent> allocated;

    /** @param allocated the allocated areas, sorted by offset and not overlapping (as vSphere returns them) */
    public AllocatedAreasReader(DiskReader inner, List<Extent> allocated) {
        this.inner = inner;
        this.allocated = List.copyOf(allocated);
    }

    @Override
    public long size() throws IOException {
        return inner.size();
    }

    /** The range as data where allocated and zeros in between, covering {@code [offset, offset+length)} in order. */
    @Override
    public List<Extent> extents(long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        long pos = offset;
        for (Extent a : allocated) {
            long s = Math.max(a.offset(), pos);
            long e = Math.min(a.offset() + a.length(), end);
            if (e <= s) {
                continue;
            }
            if (s > pos) {
                out.add(Extent.zeros(pos, s - pos));
            }
            out.add(Extent.data(s, e - s));
            pos = e;
        }
        if (pos < end) {
            out.add(Extent.zeros(pos, end - pos));
        }
        return out;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        return inner.read(offset, dst);
    }

    @Override
    public boolean sequentialOnly() {
        return inner.sequentialOnly();
    }

    @Override
    public String describe() {
        return inner.describe() + " (allocated areas from changed block tracking)";
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
