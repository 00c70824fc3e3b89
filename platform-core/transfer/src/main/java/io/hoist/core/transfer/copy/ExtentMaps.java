package io.hoist.core.transfer.copy;

import io.hoist.api.transfer.Extent;
import java.util.ArrayList;
import java.util.List;

/** Clipping and normalising extent lists from sources, which may overlap the range, leave gaps or repeat kinds. */
public final class ExtentMaps {
    private ExtentMaps() {}

    /**
     * The map of {@code [offset, offset+length)}: {@code extents} clipped to it, gaps counted as data (never assume
     * zeros nobody reported), adjacent runs of one kind merged.
     */
    public static List<Extent> normalize(List<Extent> extents, long offset, long length) {
        long end = offset + length;
        List<Extent> out = new ArrayList<>(Math.max(2, extents.size()));
        long pos = offset;
        for (Extent e : extents) {
            long from = Math.max(e.offset(), pos);
            long to = Math.min(e.end(), end);
            if (to <= from) {
                continue;
            }
            if (from > pos) {
                add(out, pos, from - pos, false);
            }
            add(out, from, to - from, e.zero());
            pos = to;
        }
        if (pos < end) {
            add(out, pos, end - pos, false);
        }
        return out;
    }

    /** The map of a range given an allocation list: data where a data extent says so, zeros elsewhere. */
    public static List<Extent> fromAllocation(List<Extent> allocation, long offset, long length) {
        long end = offset + length;
        List<Extent> out = new ArrayList<>(2);
        long pos = offset;
        for (Extent e : allocation) {
            if (e.zero() || e.end() <= offset || e.offset() >= end) {
                continue;
            }
            long from = Math.max(e.offset(), pos);
            long to = Math.min(e.end(), end);
            if (to <= from) {
                continue;
            }
            if (from > pos) {
                add(out, pos, from - pos, true);
            }
            add(out, from, to - from, false);
            pos = to;
        }
        if (pos < end) {
            add(out, pos, end - pos, true);
        }
        return out;
    }

    private static void add(List<Extent> out, long offset, long length, boolean zero) {
        if (!out.isEmpty()) {
            Extent last = out.get(out.size() - 1);
            if (last.zero() == zero && last.end() == offset) {
                out.set(out.size() - 1, new Extent(last.offset(), last.length() + length, zero));
                return;
            }
        }
        out.add(new Extent(offset, length, zero));
    }
}
