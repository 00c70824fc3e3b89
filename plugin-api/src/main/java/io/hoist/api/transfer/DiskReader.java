package io.hoist.api.transfer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Random-access reader of one virtual disk's bytes. Implementations must allow concurrent
 * {@link #read} calls from several threads unless {@link #sequentialOnly()} says otherwise.
 */
public interface DiskReader extends Closeable {
    /** Virtual size in bytes. */
    long size() throws IOException;

    /**
     * Map of {@code [offset, offset+length)}: data and zero extents, in order, covering the range.
     * The default says "all data"; readers that know holes (NBD BLOCK_STATUS, sparse files, VMDK grains)
     * override it so zeros are never read or written.
     */
    default List<Extent> extents(long offset, long length) throws IOException {
        return List.of(Extent.data(offset, length));
    }

    /**
     * Fills {@code dst} from position {@code offset} until {@code dst} is full or the disk ends.
     * Returns the number of bytes read.
     */
    int read(long offset, ByteBuffer dst) throws IOException;

    /** True for stream-shaped sources (e.g. a compressed VMDK in a tar) that must be read in order. */
    default boolean sequentialOnly() {
        return false;
    }

    /** Short description for logs and status, never containing credentials. */
    String describe();

    /**
     * This reader, closing {@code alsoClose} (an export, a session, a temporary object) right after
     * itself, exactly once. For plugins whose disk readers hold a resource open for their lifetime.
     */
    default DiskReader closing(AutoCloseable alsoClose) {
        DiskReader self = this;
        return new DiskReader() {
            private boolean closed;

            @Override
            public long size() throws IOException {
                return self.size();
            }

            @Override
            public List<Extent> extents(long offset, long length) throws IOException {
                return self.extents(offset, length);
            }

            @Override
            public int read(long offset, ByteBuffer dst) throws IOException {
                return self.read(offset, dst);
            }

            @Override
            public boolean sequentialOnly() {
                return self.sequentialOnly();
            }

            @Override
            public String describe() {
                return self.describe();
            }

            @Override
            public synchronized void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    self.close();
                } finally {
                    try {
                        alsoClose.close();
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
            }
        };
    }
}
