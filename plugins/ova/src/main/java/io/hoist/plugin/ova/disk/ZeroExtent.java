package io.hoist.plugin.ova.disk;

import java.nio.ByteBuffer;

/** A descriptor's {@code ZERO} extent: reads as zeros, stored nowhere. */
final class ZeroExtent implements VmdkExtent {
    private final long size;

    ZeroExtent(long size) {
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        VmdkExtent.putZeros(dst, n);
        return n;
    }

    @Override
    public void mapExtents(long offset, long length, long shift, ExtentCollector out) {
        out.add(shift + offset, length, true);
    }
}
