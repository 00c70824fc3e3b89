package io.hoist.testkit.transfer;

import io.hoist.api.transfer.DiskWriter;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Test double: a real writer that runs {@code afterFirstWrite} once, as a late reply would land. */
public final class LateReplyWriterTestDouble implements DiskWriter {
    private final DiskWriter real;
    private Runnable afterFirstWrite;

    public LateReplyWriterTestDouble(DiskWriter real, Runnable afterFirstWrite) {
        this.real = real;
        this.afterFirstWrite = afterFirstWrite;
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        real.write(offset, src);
        if (afterFirstWrite != null) {
            afterFirstWrite.run();
            afterFirstWrite = null;
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        real.writeZeroes(offset, length);
    }

    @Override
    public void flush() throws IOException {
        real.flush();
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public String describe() {
        return real.describe();
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
