package io.hoist.core.transfer.copy;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the source for its allocation map a window at a time instead of once per 4 MiB block: workers take
 * blocks in order, so one round trip (NBD BLOCK_STATUS, ...) serves a whole window of blocks.
 */
final class ExtentPrefetcher {
    static final long WINDOW = 1L << 30;

    private final DiskReader source;
    private final long size;
    private long windowStart = -1;
    private long windowEnd = -1;
    private List<Extent> window = List.of();

    ExtentPrefetcher(DiskReader source, long size) {
        this.source = source;
        this.size = size;
    }

    /** The normalised map of {@code [offset, offset+length)}, which must not cross the end of the disk. */
    synchronized List<Extent> map(long offset, int length) throws IOException {
        long end = offset + length;
        if (offset < windowStart || end > windowEnd) {
            long wEnd = Math.min(size, Math.max(end, offset + WINDOW));
            List<Extent> fetched = ExtentMaps.normalize(source.extents(offset, wEnd - offset), offset, wEnd - offset);
            windowStart = offset;
            windowEnd = wEnd;
            window = fetched;
        }
        List<Extent> out = new ArrayList<>(2);
        int i = firstAtOrAfter(offset);
        for (; i < window.size(); i++) {
            Extent e = window.get(i);
            if (e.offset() >= end) {
                break;
            }
            long from = Math.max(e.offset(), offset);
            long to = Math.min(e.end(), end);
            out.add(new Extent(from, to - from, e.zero()));
        }
        return out;
    }

    /** Index of the extent containing {@code offset} (binary search; the window is sorted and gap-free). */
    private int firstAtOrAfter(long offset) {
        int lo = 0;
        int hi = window.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (window.get(mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
