package io.hoist.plugin.ova.disk;

import java.io.IOException;
import java.nio.ByteBuffer;

/** One extent of a VMDK (a range of the virtual disk stored one way). Offsets are relative to the extent. */
interface VmdkExtent {
    long size();

    /** Fills {@code dst} from {@code offset} until full or the extent ends; returns bytes written. */
    int read(long offset, ByteBuffer dst) throws IOException;

    /** Adds the data/zero map of {@code [offset, offset+length)}, shifted by {@code shift}, to {@code out}. */
    void mapExtents(long offset, long length, long shift, ExtentCollector out) throws IOException;

    /** Zeros {@code n} bytes of {@code dst} without allocating. */
    static void putZeros(ByteBuffer dst, int n) {
        int left = n;
        while (left > 0) {
            int k = Math.min(left, ZEROS.length);
            dst.put(ZEROS, 0, k);
            left -= k;
        }
    }

    byte[] ZEROS = new byte[64 * 1024];
}
