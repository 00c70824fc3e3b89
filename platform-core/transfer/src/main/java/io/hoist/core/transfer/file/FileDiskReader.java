package io.hoist.core.transfer.file;

import io.hoist.api.transfer.DiskReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw image file or block device. Positional reads need no locking, so workers share one channel. The JDK
 * cannot ask for holes (no SEEK_DATA), so every range is reported as data and the copier's zero detection keeps
 * zeros sparse on the target.
 */
public final class FileDiskReader implements DiskReader {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    public FileDiskReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = BlockDevices.size(path, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        long pos = offset;
        while (dst.hasRemaining() && pos < size) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                break;
            }
            total += n;
            pos += n;
        }
        return total;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
