package io.hoist.core.transfer.file;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A file descriptor of our own, opened with {@code open(2)}, for the Linux calls the JDK does not offer:
 * {@code lseek(SEEK_DATA/SEEK_HOLE)} to find holes, {@code fallocate(PUNCH_HOLE/ZERO_RANGE)} to make ranges read
 * as zeros without writing them, {@code sync_file_range} to start write-back early. Called through the FFM API
 * (no JNI, no native library of ours); reads and writes stay on the JDK's {@code FileChannel}s of the same file.
 *
 * <p>Each call answers "not supported here" with {@code false}/{@code -1} instead of throwing, so callers fall back
 * to what the JDK can do (a file system without SEEK_DATA, a device without discard). Real failures (EIO, EBADF)
 * throw {@link IOException} with the call, the path and the error text.
 */
public final class NativeFile implements Closeable {
    // Linux ABI values, the same on x86-64 and aarch64.
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int FALLOC_FL_ZERO_RANGE = 0x10;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int EINTR = 4;
    private static final int ENXIO = 6;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;

    private static final Calls CALLS = Calls.load();

    private final Path path;
    private final int fd;
    private volatile boolean closed;

    private NativeFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Null when these calls are usable on this machine, else why not (not Linux, no libc symbols). */
    public static String unavailableReason() {
        return CALLS.unavailable;
    }

    /** Opens {@code path} read-only, or null when native calls are unavailable here. */
    public static NativeFile openForReading(Path path) throws IOException {
        return open(path, O_RDONLY);
    }

    /** Opens {@code path} write-only (an existing file or device), or null when native calls are unavailable. */
    public static NativeFile openForWriting(Path path) throws IOException {
        return open(path, O_WRONLY);
    }

    private static NativeFile open(Path path, int flags) throws IOException {
        if (CALLS.unavailable != null) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALLS.captureLayout);
            MemorySegment name = arena.allocateFrom(path.toString());
            while (true) {
                int fd = (int) CALLS.open.invokeExact(state, name, flags | O_CLOEXEC, 0);
                if (fd >= 0) {
                    return new NativeFile(path, fd);
                }
                int errno = CALLS.errno(state);
                if (errno != EINTR) {
                    throw CALLS.failure("open", path, errno);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + path + ": " + t, t);
        }
    }

    /**
     * Offset of the first data at or after {@code offset}; {@code Long.MAX_VALUE} when only a hole follows up to
     * the end; -1 when this file cannot tell (a block device, a file system without SEEK_DATA).
     */
    public long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA);
    }

    /** Offset of the first hole at or after {@code offset} (the end of the file counts as one); -1 as above. */
    public long nextHole(long offset) throws IOException {
        return seek(offset, SEEK_HOLE);
    }

    private long seek(long offset, int whence) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALLS.captureLayout);
            long r = (long) CALLS.lseek.invokeExact(state, fd, offset, whence);
            if (r >= 0) {
                return r;
            }
            int errno = CALLS.errno(state);
            if (errno == ENXIO) {
                return Long.MAX_VALUE; // no data (SEEK_DATA) at or past offset: the rest is a hole
            }
            if (errno == EINVAL || errno == EOPNOTSUPP || errno == ENOSYS) {
                return -1;
            }
            throw CALLS.failure(whence == SEEK_DATA ? "lseek(SEEK_DATA)" : "lseek(SEEK_HOLE)", path, errno);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("lseek " + path + ": " + t, t);
        }
    }

    /**
     * Deallocates {@code [offset, offset+length)} so it reads as zeros, size unchanged. On a file: a hole; on a
     * block device: discard/WRITE ZEROES with unmap, only where the device guarantees zeros after it. False when
     * this file or device cannot (then nothing changed).
     */
    public boolean punchHole(long offset, long length) throws IOException {
        return fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length, "fallocate(PUNCH_HOLE)");
    }

    /**
     * Makes {@code [offset, offset+length)} read as zeros keeping it allocated (unwritten extents on a file,
     * WRITE ZEROES or the kernel's own zero pages on a device). False when not supported here.
     */
    public boolean zeroRange(long offset, long length) throws IOException {
        return fallocate(FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, length, "fallocate(ZERO_RANGE)");
    }

    private boolean fallocate(int mode, long offset, long length, String call) throws IOException {
        if (length == 0) {
            return true;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALLS.captureLayout);
            while (true) {
                int r = (int) CALLS.fallocate.invokeExact(state, fd, mode, offset, length);
                if (r == 0) {
                    return true;
                }
                int errno = CALLS.errno(state);
                if (errno == EINTR) {
                    continue;
                }
                // EINVAL: misaligned range on a device, or a mode this file system does not know
                if (errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL) {
                    return false;
                }
                throw CALLS.failure(call + " at " + offset + "+" + length, path, errno);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(call + " " + path + ": " + t, t);
        }
    }

    /**
     * Starts write-back of dirty pages in the range without waiting for it ({@code SYNC_FILE_RANGE_WRITE}), so a
     * later {@code fdatasync} has little left to do. No durability promise of its own; false when unsupported.
     */
    public boolean startWriteBack(long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALLS.captureLayout);
            int r = (int) CALLS.syncFileRange.invokeExact(state, fd, offset, length, SYNC_FILE_RANGE_WRITE);
            if (r == 0) {
                return true;
            }
            int errno = CALLS.errno(state);
            if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EINTR) {
                return false;
            }
            throw CALLS.failure("sync_file_range", path, errno);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sync_file_range " + path + ": " + t, t);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int r = (int) CALLS.close.invokeExact(fd);
            if (r != 0) {
                throw new IOException("close " + path + " failed");
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("close " + path + ": " + t, t);
        }
    }

    /** The libc downcalls, looked up once; {@code unavailable} says why when they cannot be. */
    private static final class Calls {
        final String unavailable;
        final StructLayout captureLayout;
        final VarHandle errnoHandle;
        final MethodHandle open;
        final MethodHandle lseek;
        final MethodHandle fallocate;
        final MethodHandle syncFileRange;
        final MethodHandle close;
        final MethodHandle strerror;

        private Calls(String unavailable, StructLayout captureLayout, VarHandle errnoHandle, MethodHandle open,
                      MethodHandle lseek, MethodHandle fallocate, MethodHandle syncFileRange, MethodHandle close,
                      MethodHandle strerror) {
            this.unavailable = unavailable;
            this.captureLayout = captureLayout;
            this.errnoHandle = errnoHandle;
            this.open = open;
            this.lseek = lseek;
            this.fallocate = fallocate;
            this.syncFileRange = syncFileRange;
            this.close = close;
            this.strerror = strerror;
        }

        static Calls load() {
            if (!System.getProperty("os.name", "").toLowerCase().startsWith("linux")) {
                return unavailable("not Linux (" + System.getProperty("os.name") + ")");
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                StructLayout layout = Linker.Option.captureStateLayout();
                VarHandle errnoHandle = layout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                MethodHandle open = linker.downcallHandle(find(libc, "open"),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), errno, Linker.Option.firstVariadicArg(2));
                MethodHandle lseek = linker.downcallHandle(find(libc, "lseek"),
                        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), errno);
                MethodHandle fallocate = linker.downcallHandle(find(libc, "fallocate"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), errno);
                MethodHandle sync = linker.downcallHandle(find(libc, "sync_file_range"),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), errno);
                MethodHandle close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                MethodHandle strerror = linker.downcallHandle(find(libc, "strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
                return new Calls(null, layout, errnoHandle, open, lseek, fallocate, sync, close, strerror);
            } catch (RuntimeException | LinkageError e) {
                // e.g. native access denied (--enable-native-access not given in a restricted setup)
                return unavailable("native calls unavailable: " + e);
            }
        }

        private static Calls unavailable(String why) {
            return new Calls(why, null, null, null, null, null, null, null, null);
        }

        private static MemorySegment find(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        }

        int errno(MemorySegment state) {
            return (int) errnoHandle.get(state, 0L);
        }

        IOException failure(String call, Path path, int errno) {
            String text;
            try {
                MemorySegment s = (MemorySegment) strerror.invokeExact(errno);
                text = s.reinterpret(1024).getString(0);
            } catch (Throwable t) {
                text = "errno " + errno;
            }
            return new IOException(call + " on " + path + " failed: " + text + " (errno " + errno + ")");
        }
    }
}
