package io.hoist.core.transfer.checksum;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.copy.ExtentMaps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Computes a disk's checksum ({@code sha256-4m:} unless asked otherwise) by reading it, in parallel (what {@code hoist verify} runs). */
public final class Checksums {
    private Checksums() {}

    public static String of(DiskReader reader) throws IOException {
        return of(reader, ChecksumMode.SHA256_4M);
    }

    public static String of(DiskReader reader, ChecksumMode mode) throws IOException {
        return digests(reader, Math.max(2, Runtime.getRuntime().availableProcessors()), mode).checksum();
    }

    /** Per-block digests of the whole disk; zero extents and all-zero blocks cost no hashing. */
    public static BlockDigests digests(DiskReader reader, int threads, ChecksumMode mode) throws IOException {
        long size = reader.size();
        BlockDigests out = new BlockDigests(mode, size);
        long blocks = DiskChecksum.blockCount(size);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int workers = reader.sequentialOnly() ? 1 : (int) Math.max(1, Math.min(threads, blocks));
        List<Thread> started = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(DiskChecksum.BLOCK_SIZE);
                try {
                    BlockHasher hasher = mode.newHasher();
                    int b;
                    while (failure.get() == null && (b = next.getAndIncrement()) < blocks) {
                        out.set(b, blockDigest(reader, size, b, buf, mode, hasher));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "hoist-checksum-" + w);
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        for (Thread t : started) {
            try {
                t.join();
            } catch (InterruptedException e) {
                started.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("checksum of " + reader.describe() + " interrupted");
            }
        }
        Throwable f = failure.get();
        if (f instanceof IOException io) {
            throw io;
        }
        if (f != null) {
            throw new IOException("checksum of " + reader.describe() + " failed: " + f, f);
        }
        return out;
    }

    private static byte[] blockDigest(DiskReader reader, long size, int block, ByteBuffer buf, ChecksumMode mode,
                                      BlockHasher hasher)
            throws IOException {
        long off = (long) block * DiskChecksum.BLOCK_SIZE;
        int len = DiskChecksum.blockLength(size, block);
        List<Extent> map = ExtentMaps.normalize(reader.extents(off, len), off, len);
        buf.clear();
        boolean anyData = false;
        for (Extent e : map) {
            int at = (int) (e.offset() - off);
            buf.limit(at + (int) e.length()).position(at);
            if (e.zero()) {
                DiskChecksum.fillZeros(buf);
            } else {
                anyData = true;
                int got = reader.read(e.offset(), buf);
                if (got != e.length()) {
                    throw new IOException(reader.describe() + ": short read at " + e.offset() + ": " + got + " of " + e.length());
                }
            }
        }
        if (!anyData || DiskChecksum.isZero(buf, 0, len)) {
            return DiskChecksum.zeroBlockDigest(mode, len);
        }
        return hasher.digest(buf.clear().limit(len));
    }
}
