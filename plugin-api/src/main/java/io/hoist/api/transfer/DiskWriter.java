package io.hoist.api.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Random-access writer of one target disk. Concurrent writes to disjoint ranges must be safe. */
public interface DiskWriter extends Closeable {
    /** Writes all of {@code src} at {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /** Makes {@code [offset, offset+length)} read as zeros without writing zero bytes (hole / WRITE_ZEROES). */
    void writeZeroes(long offset, long length) throws IOException;

    /** Makes everything written so far durable; checkpoints are recorded only after this returns. */
    void flush() throws IOException;

    /** Target size in bytes. */
    long size() throws IOException;

    String describe();
}
