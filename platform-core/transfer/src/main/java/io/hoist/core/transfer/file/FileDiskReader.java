package io.hoist.core.transfer.file;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw image file or block device. Positional reads need no locking, so workers share one channel. Holes are
 * found with {@code lseek(SEEK_DATA/SEEK_HOLE)} (through {@link NativeFile}), so a sparse image's holes are never
 * read; where that cannot tell (block devices, file systems without it, no native access) every range is
 * reported as data and the copier's zero detection still keeps zeros sparse on the target.
 */
public final class FileDiskReader implements DiskReader {
    private final Path path;
    private final FileChannel channel;
    private final long size;
    /** Our own descriptor for SEEK_DATA/SEEK_HOLE, or null when holes cannot be asked for; closed with the reader. */
    private final NativeFile seeker;
    /** Cleared when the file system answers that it cannot tell (then every range is data). */
    private volatile boolean seekWorks;

    public FileDiskReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            this.size = BlockDevices.size(path, channel);
            // Block devices answer SEEK_DATA with EINVAL (Linux 6.x): only regular files are asked.
            this.seeker = BlockDevices.isBlockDevice(path) ? null : NativeFile.openForReading(path);
            this.seekWorks = seeker != null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** Whether {@link #extents} reports holes (SEEK_DATA works on this file), as far as known so far. */
    public boolean findsHoles() {
        return seekWorks;
    }

    @Override
    public List<Extent> extents(long offset, long length) throws IOException {
        long end = Math.min(size, offset + length);
        NativeFile h = seeker;
        if (!seekWorks || offset >= end) {
            return List.of(Extent.data(offset, length));
        }
        List<Extent> out = new ArrayList<>();
        long pos = offset;
        while (pos < end) {
            long data = h.nextData(pos);
            if (data < 0) {
                return cannotTell(offset, length);
            }
            if (data >= end) {
                out.add(Extent.zeros(pos, end - pos));
                break;
            }
            if (data > pos) {
                out.add(Extent.zeros(pos, data - pos));
            }
            long hole = h.nextHole(data);
            if (hole < 0) {
                return cannotTell(offset, length);
            }
            long dataEnd = Math.min(hole, end);
            out.add(Extent.data(data, dataEnd - data));
            pos = dataEnd;
        }
        return out;
    }

    /** This file system cannot say (EINVAL/EOPNOTSUPP): all data from now on, and stop asking. */
    private List<Extent> cannotTell(long offset, long length) {
        seekWorks = false;
        return List.of(Extent.data(offset, length));
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
        try (channel) {
            if (seeker != null) {
                seeker.close();
            }
        }
    }
}
