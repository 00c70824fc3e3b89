package io.hoist.api.transfer;

/**
 * A run of a virtual disk: either data to copy or known zeros (a hole) that is never written as bytes.
 * Sources hand the engine lists of these (allocation maps, changed areas for warm deltas).
 */
public record Extent(long offset, long length, boolean zero) {
    public Extent {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("extent offset/length must be >= 0: " + offset + "+" + length);
        }
    }

    public long end() {
        return offset + length;
    }

    public static Extent data(long offset, long length) {
        return new Extent(offset, length, false);
    }

    public static Extent zeros(long offset, long length) {
        return new Extent(offset, length, true);
    }
}
