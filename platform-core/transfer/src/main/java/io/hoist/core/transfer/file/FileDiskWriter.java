package io.hoist.core.transfer.file;

import com.sun.nio.file.ExtendedOpenOption;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.transfer.checksum.DiskChecksum;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A sparse raw target file (or a block device). Zero runs are never written as bytes where the file is known to
 * be a hole: a file this writer created starts as one big hole, and a bitmap of granules (64 KiB, the copier's
 * zero-detection unit, coarser only beyond 2 TiB) remembers where data went since. Where old bytes may exist (an
 * existing file kept for resume, a granule written earlier, any block device) the range is made zero with
 * {@code fallocate(PUNCH_HOLE)}: a hole in a file, a discard / WRITE ZEROES with unmap on a device that guarantees
 * zeros after it (thin LVM, loop, most SSDs and SAN LUNs). Where that is refused, the range is read back and only
 * non-zero pieces are zeroed, with {@code fallocate(ZERO_RANGE)} (the device's own zeroing) or, failing that,
 * zero bytes.
 *
 * <p>Aligned writes from aligned direct buffers (all the copier's full runs) go through a second channel opened
 * with {@code O_DIRECT}: the data skips the page cache, so copying a disk larger than RAM neither evicts the host's
 * cache nor waits for page allocation and dirty-page write-back, and the final flush has little left to do.
 * Unaligned pieces (a disk size that is not a multiple of the block size, odd extents) use the buffered channel,
 * and their write-back is started at once with {@code sync_file_range}. File systems without {@code O_DIRECT}
 * (tmpfs) get the buffered channel only.
 *
 * <p>The native calls ({@link NativeFile}) are linked on first need only: linking the FFM downcalls costs
 * ~0.2 CPU-s per process, and a copy into a new file usually needs none of them.
 */
public final class FileDiskWriter implements DiskWriter {
    /** Read-back unit where zeros must be checked before they are written. */
    private static final int CHECK_CHUNK = 1 << 20;
    private static final int MIN_GRANULE_SHIFT = 16;
    /** At most this many granules (a 4 MiB bitmap): beyond 2 TiB the granules grow. */
    private static final int MAX_GRANULES_LOG2 = 25;
    /** Buffered writes at least this long get their write-back started at once (sync_file_range). */
    private static final long WRITE_BACK_MIN = 1 << 20;
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHECK_CHUNK));

    private final Path path;
    private final FileChannel channel;
    /** The same file opened with O_DIRECT, or null where the file system refuses it. */
    private final FileChannel direct;
    private final int alignment;
    private final long size;
    /** True when the file started as a hole this session (created or truncated to empty by us). */
    private final boolean startedEmpty;
    private final int granuleShift;
    /** Granules written with data since open; only consulted when {@link #startedEmpty}. */
    private final AtomicLongArray dirty;
    /** Our own descriptor for fallocate and sync_file_range, opened on first need; null until then or if unavailable. */
    private NativeFile nativeFd;
    private boolean nativeTried;
    private boolean closed;
    /** Cleared once the file system or device refuses PUNCH_HOLE / ZERO_RANGE, so it is not asked again. */
    private volatile boolean punchWorks = true;
    private volatile boolean zeroRangeWorks = true;

    private FileDiskWriter(Path path, FileChannel channel, long size, boolean startedEmpty) {
        this.path = path;
        this.channel = channel;
        FileChannel d = null;
        int align = 4096;
        try {
            align = (int) Math.max(512, Files.getFileStore(path).getBlockSize());
            if (Boolean.parseBoolean(System.getProperty("hoist.transfer.directIo", "true"))) {
                d = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
            }
        } catch (IOException | UnsupportedOperationException e) {
            d = null; // buffered writes only; correct, just slower for disks larger than the page cache
        }
        this.direct = d;
        this.alignment = align;
        this.size = size;
        this.startedEmpty = startedEmpty;
        int sizeLog2 = 64 - Long.numberOfLeadingZeros(Math.max(1, size - 1));
        this.granuleShift = Math.max(MIN_GRANULE_SHIFT, sizeLog2 - MAX_GRANULES_LOG2);
        long granules = (size + (1L << granuleShift) - 1) >> granuleShift;
        this.dirty = new AtomicLongArray(startedEmpty ? (int) (granules / 64 + 1) : 0);
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
        boolean buffered = direct == null || !isAligned(offset, src);
        FileChannel ch = buffered ? channel : direct;
        long pos = offset;
        while (src.hasRemaining()) {
            pos += ch.write(src, pos);
        }
        if (buffered && end - offset >= WRITE_BACK_MIN) {
            // Page-cache writes (no O_DIRECT here): start their write-back now, so dirty pages do not pile up
            // and the checkpoint's fdatasync does not stall on all of them at once.
            NativeFile n = nativeFile();
            if (n != null) {
                n.startWriteBack(offset, end - offset);
            }
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        checkRange(offset, length);
        long end = offset + length;
        if (!startedEmpty) {
            makeZero(offset, length);
            return;
        }
        long pos = offset;
        while (pos < end) {
            // Runs of granules that may hold bytes written this session; the others are still holes.
            long granuleEnd = Math.min(end, ((pos >> granuleShift) + 1) << granuleShift);
            if (!isDirty(pos)) {
                pos = granuleEnd;
                continue;
            }
            long runEnd = granuleEnd;
            while (runEnd < end && isDirty(runEnd)) {
                runEnd = Math.min(end, runEnd + (1L << granuleShift));
            }
            makeZero(pos, runEnd - pos);
            pos = runEnd;
        }
    }

    /** Makes a range that may hold old bytes read as zeros: a hole where possible, else zeros where needed. */
    private void makeZero(long offset, long length) throws IOException {
        if (punchWorks) {
            NativeFile n = nativeFile();
            if (n != null && n.punchHole(offset, length)) {
                return;
            }
            if (n == null || !isMisaligned(offset, length)) {
                punchWorks = false; // refused for a reason other than this range's alignment: do not ask again
            }
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int n = (int) Math.min(CHECK_CHUNK - (pos & (CHECK_CHUNK - 1)), end - pos);
            zeroIfNotZero(pos, n);
            pos += n;
        }
    }

    /** Devices refuse fallocate on ranges not aligned to their sector; that says nothing about other ranges. */
    private static boolean isMisaligned(long offset, long length) {
        return (offset | length) % 4096 != 0;
    }

    /** Reads the range back and makes it zero only if something non-zero is there. */
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
        if (DiskChecksum.isZero(scratch, 0, got)) {
            return;
        }
        if (zeroRangeWorks) {
            NativeFile n = nativeFile();
            if (n != null && n.zeroRange(offset, length)) {
                return;
            }
            if (n == null || !isMisaligned(offset, length)) {
                zeroRangeWorks = false;
            }
        }
        scratch.clear().limit(length);
        DiskChecksum.fillZeros(scratch);
        scratch.flip();
        long at = offset;
        while (scratch.hasRemaining()) {
            at += channel.write(scratch, at);
        }
    }

    /** Our native descriptor, opened on first use; null when native calls are unavailable here. */
    private synchronized NativeFile nativeFile() throws IOException {
        if (!nativeTried) {
            if (closed) {
                throw new IOException(path + " is closed");
            }
            nativeTried = true;
            nativeFd = NativeFile.openForWriting(path);
        }
        return nativeFd;
    }

    private boolean isAligned(long offset, ByteBuffer src) {
        return src.isDirect() && offset % alignment == 0 && src.remaining() % alignment == 0
                && src.alignmentOffset(src.position(), alignment) == 0;
    }

    /** Whether aligned writes bypass the page cache (O_DIRECT) on this file system. */
    public boolean usesDirectIo() {
        return direct != null;
    }

    /** Whether zero ranges over old bytes were made holes with fallocate(PUNCH_HOLE) (false until one was needed). */
    public boolean punchesHoles() {
        synchronized (this) {
            if (nativeFd == null) {
                return false;
            }
        }
        return punchWorks;
    }

    private void markDirty(long from, long to) {
        if (!startedEmpty || to <= from) {
            return;
        }
        for (long g = from >> granuleShift; g <= (to - 1) >> granuleShift; g++) {
            int word = (int) (g >> 6);
            long bit = 1L << (g & 63);
            long old;
            do {
                old = dirty.get(word);
            } while ((old & bit) == 0 && !dirty.compareAndSet(word, old, old | bit));
        }
    }

    private boolean isDirty(long offset) {
        long g = offset >> granuleShift;
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
        NativeFile n;
        synchronized (this) {
            closed = true;
            n = nativeFd;
        }
        try (channel; n) {
            if (direct != null) {
                direct.close();
            }
        }
    }
}
