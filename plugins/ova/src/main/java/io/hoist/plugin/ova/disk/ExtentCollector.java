package io.hoist.plugin.ova.disk;

import io.hoist.api.transfer.Extent;
import java.util.ArrayList;
import java.util.List;

/** Builds an ordered extent list, merging neighbours of the same kind so callers get few, long runs. */
final class ExtentCollector {
    private final List<Extent> out = new ArrayList<>();

    void add(long offset, long length, boolean zero) {
        if (length <= 0) {
            return;
        }
        if (!out.isEmpty()) {
            Extent last = out.get(out.size() - 1);
            if (last.zero() == zero && last.end() == offset) {
                out.set(out.size() - 1, new Extent(last.offset(), last.length() + length, zero));
                return;
            }
        }
        out.add(new Extent(offset, length, zero));
    }

    List<Extent> result() {
        return List.copyOf(out);
    }
}
