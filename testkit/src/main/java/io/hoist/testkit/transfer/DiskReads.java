package io.hoist.testkit.transfer;

import io.hoist.api.transfer.DiskReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** What a test reads through a plugin's {@link DiskReader} to compare with the bytes it put on the source disk. */
public final class DiskReads {
    private DiskReads() {}

    /** Every byte of the disk (up to 2 GiB); a read that hands out nothing before the end fails, never spins. */
    public static byte[] readAll(DiskReader reader) throws IOException {
        long size = reader.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(reader.describe() + ": " + size + " bytes do not fit in one array");
        }
        ByteBuffer all = ByteBuffer.allocate((int) size);
        while (all.hasRemaining()) {
            int n = reader.read(all.position(), all);
            if (n <= 0) {
                throw new IOException(reader.describe() + ": read at " + all.position() + " of " + size + " returned " + n);
            }
        }
        return all.array();
    }
}
