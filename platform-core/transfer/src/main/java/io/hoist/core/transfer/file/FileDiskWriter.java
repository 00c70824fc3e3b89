package io.hoist.core.transfer.file;

import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.transfer.checksum.DiskChecksum;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import com.sun.nio.file.ExtendedOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A sparse raw target file (or a block device). Zero runs are never written as bytes where the file is known to
 * be a hole: a file this writer created starts as one big hole, and a bitmap of 1 MiB granules remembers where
 * data went since. Where old bytes may exist (an existing file kept for resume, or a granule written earlier)
 * the range is read back and only non-zero pieces are overwritten with zeros. A block device has no holes, so
 * zeros are written to it unless it already reads as zeros.
 *
 * <p>Aligned writes from aligned direct buffers (all the copier's full runs) go through a second channel opened
 * with {@code O_DIRECT}: the data skips the page cache, so copying a disk larger than RAM neither evicts the host's
 * cache nor waits for page allocation and dirty-page write-back, and the final flush has little left to do.
 * Unaligned pieces (a disk size that is not a multiple of the block size, odd extents) use the buffered channel.
 * File systems without {@code O_DIRECT} (tmpfs) get the buffered channel only.
 */
public final class FileDiskWriter implements DiskWriter {
    private static final int GRANULE_SHIFT = 20;
    private static final int CHECK_CHUNK = 1 << GRANULE_SHIFT;
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHECK_CHUNK));

    private final Path path;
    private final FileChannel channel;
    /** The same file opened with O_DIRECT, or null where the file system refuses it. */
    private final FileChannel direct;
    private final int alignment;
    private final long size;
    /** True when the file started as a hole this session (created or truncated to empty by us). */
    private final boolean startedEmpty;
    /** Granules written with data since open; only consulted when {@link #startedEmpty}. */
    private final AtomicLongArray dirty;

    private FileDiskWriter(Path path, FileChannel channel, long size, boolean startedEmpty) {
        this.path = path;
        this.channel = channel;
        FileChannel d = null;
        int align = 4096;
        try {
            align = (int) Math.max(512, Files.getFileStore(path).getBlockSize());
            d = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            d = null; // buffered writes only; correct, just slower for disks larger than the page cache
        }
        this.direct = d;
        this.alignment = align;
        this.size = size;
        this.startedEmpty = startedEmpty;
        this.dirty = new AtomicLongArray((int) (((size + CHECK_CHUNK - 1) >> GRANULE_SHIFT) / 64 + 1));
    }

    /**
     * Opens {@code path} as a target of {@code size} bytes. A missing file is created sparse; an existing regular
     * file is kept (its blocks are resumed or overwritten) and resized to {@code size}; a block device must be at
     * least {@code size} bytes.
     */
    public static FileDiskWriter open(Path path, long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("target size must be >= 0, got " + size);
        }
        boolean created = !Files.exists(path);
        if (BlockDevices.isBlockDevice(path)) {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long have = BlockDevices.size(path, ch);
            if (have < size) {
                ch.close();
                throw new IOException("block device " + path + " holds " + have + " bytes, the disk needs " + size);
            }
            return new FileDiskWriter(path, ch, have, false);
        }
        FileChannel ch = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), ownerOnly(path));
        boolean empty = created || ch.size() == 0;
        if (ch.size() != size) {
            // ftruncate: shrinking drops the tail, growing adds a hole (no blocks allocated).
            try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
                raf.setLength(size);
            }
        }
        return new FileDiskWriter(path, ch, size, empty);
    }

    /** A new disk image is readable by its owner only (0600): a guest's disk holds its secrets. */
    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly(Path path) {
        java.nio.file.FileSystem fs = path.getFileSystem();
        if (!fs.supportedFileAttributeViews().contains("posix")) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
        return new java.nio.file.attribute.FileAttribute<?>[] {java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))};
    }

    /** Opens an existing target for writing at its current size (e.g. to resume). */
    public static FileDiskWriter openExisting(Path path) throws IOException {
        FileChannel probe = FileChannel.open(path, StandardOpenOption.READ);
        long size;
        try {
            size = BlockDevices.size(path, probe);
        } finally {
            probe.close();
        }
        return open(path, size);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        long end = offset + src.remaining();
        checkRange(offset, src.remaining());
        markDirty(offset, end);
        FileChannel ch = direct != null && isAligned(offset, src) ? direct : channel;
        long pos = offset;
        while (src.hasRemaining()) {
            pos += ch.write(src, pos);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length);
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            long granuleEnd = Math.min(end, ((pos >> GRANULE_SHIFT) + 1) << GRANULE_SHIFT);
            if (!startedEmpty || isDirty(pos)) {
                zeroIfNotZero(pos, (int) (granuleEnd - pos));
            }
            pos = granuleEnd;
        }
    }

    /** Reads the range back and overwrites it with zeros only if something non-zero is there. */
    private void zeroIfNotZero(long offset, int length) throws IOException {
        ByteBuffer scratch = SCRATCH.get().clear().limit(length);
        long pos = offset;
        while (scratch.hasRemaining()) {
            int n = channel.read(scratch, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        int got = scratch.position();
        if (!DiskChecksum.isZero(scratch, 0, got)) {
            scratch.clear().limit(length);
            DiskChecksum.fillZeros(scratch);
            scratch.flip();
            long at = offset;
            while (scratch.hasRemaining()) {
                at += channel.write(scratch, at);
            }
        }
    }

    private boolean isAligned(long offset, ByteBuffer src) {
        return src.isDirect() && offset % alignment == 0 && src.remaining() % alignment == 0
                && src.alignmentOffset(src.position(), alignment) == 0;
    }

    /** Whether aligned writes bypass the page cache (O_DIRECT) on this file system. */
    public boolean usesDirectIo() {
        return direct != null;
    }

    private void markDirty(long from, long to) {
        if (!startedEmpty || to <= from) {
            return;
        }
        for (long g = from >> GRANULE_SHIFT; g <= (to - 1) >> GRANULE_SHIFT; g++) {
            int word = (int) (g >> 6);
            long bit = 1L << (g & 63);
            long old;
            do {
                old = dirty.get(word);
            } while ((old & bit) == 0 && !dirty.compareAndSet(word, old, old | bit));
        }
    }

    private boolean isDirty(long offset) {
        long g = offset >> GRANULE_SHIFT;
        return (dirty.get((int) (g >> 6)) & (1L << (g & 63))) != 0;
    }

    private void checkRange(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IOException("write outside " + path + ": " + offset + "+" + length + " > size " + size);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return "file " + path;
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            if (direct != null) {
                direct.close();
            }
        }
    }
}
