package io.hoist.core.transfer.copy;

import io.hoist.api.HoistException;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.BlockHasher;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.DiskChecksum;
import io.hoist.core.transfer.progress.ProgressMeter;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Copies one disk: parallel, sparse, checkpointed, checksummed, retried, rate-limited.
 *
 * <p>The disk is cut into the 4 MiB blocks of the project checksum. {@code inFlight} workers each own one reusable,
 * page-aligned direct buffer and take the next block: look it up in the allocation map (fetched a window at a
 * time), read its data extents in requests of at most {@code requestSize} (zero extents are never read), hash what
 * was read, write non-zero runs and turn zero runs into {@code writeZeroes}, and record the digest of what the
 * writer was handed. Workers run side by side, so one block is being read while another is written. Blocks are
 * taken in order, so the contiguous "done" prefix grows steadily; a checkpoint flushes the target, then records
 * that prefix with its digests.
 */
public final class DiskCopier {
    /** Zero-run detection granularity inside data extents; a run this size of zeros becomes a hole. */
    static final int ZERO_DETECT_GRANULE = 64 * 1024;
    /** Buffer address alignment: enough for O_DIRECT on any common file system or device. */
    static final int BUFFER_ALIGNMENT = 4096;

    private DiskCopier() {}

    public static CopyResult copy(CopyRequest request) {
        return new Run(request).execute();
    }

    private static final class Run {
        private final CopyRequest req;
        private final CopyOptions opts;
        private final DiskReader source;
        private final DiskWriter target;
        private final boolean streaming;
        /** False for checksum {@code none}: nothing is hashed and the result claims no verification. */
        private final boolean hashing;
        private final List<BandwidthBudget.Share> shares = new ArrayList<>();
        private long size;
        private int blocks;
        private int[] plan;
        private BlockDigests sourceDigests;
        private BlockDigests targetDigests;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition workerDone = lock.newCondition();
        private final BitSet done = new BitSet();
        private int savedBlocks;
        private String fingerprint;
        private List<Extent> allocation;
        private ExtentPrefetcher extents;
        private final AtomicInteger nextPlanIndex = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicInteger recovered = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong bytesDone = new AtomicLong();
        private final AtomicLong bytesRead = new AtomicLong();
        private final AtomicLong bytesWritten = new AtomicLong();
        private final AtomicLong bytesZeroed = new AtomicLong();
        private long bytesUnchanged;
        private long resumedFrom;
        private int runningWorkers;

        Run(CopyRequest req) {
            this.req = req;
            this.opts = req.options();
            this.source = req.source();
            this.target = req.target();
            this.streaming = target instanceof StreamingDiskWriter;
            this.hashing = opts.checksum().verifies();
            for (BandwidthBudget b : req.budgets()) {
                shares.add(b.join());
            }
        }

        CopyResult execute() {
            long started = System.nanoTime();
            try {
                prepare();
            } catch (IOException e) {
                throw new CopyFailedException(HoistException.Type.UNAVAILABLE, "TransferFailed",
                        "disk " + req.diskId() + ": cannot start copy from " + source.describe() + " to "
                                + target.describe() + ": " + e.getMessage(), e);
            }
            int workers = source.sequentialOnly() ? 1 : Math.min(opts.inFlight(), Math.max(1, plan.length));
            List<Thread> threads = new ArrayList<>(workers);
            runningWorkers = workers;
            for (int i = 0; i < workers; i++) {
                Thread t = new Thread(this::work, "hoist-copy-" + req.diskId() + "-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            ProgressMeter meter = new ProgressMeter(req.diskId(), progressTotal(), TimeUnit.SECONDS.toNanos(5));
            try {
                coordinate(meter);
            } catch (InterruptedException e) {
                // Cancelled: workers stop after their current request. They are not interrupted, because an
                // interrupt closes the file channels they share and the final checkpoint could not be flushed.
                failure.compareAndSet(null, e);
                abortStream();
                Thread.currentThread().interrupt();
            }
            for (Thread t : threads) {
                joinQuietly(t);
            }
            Throwable failed = failure.get();
            if (failed != null) {
                saveCheckpointQuietly();
                throw asCopyFailure(failed);
            }
            try {
                target.flush();
            } catch (IOException e) {
                throw new CopyFailedException(HoistException.Type.UNAVAILABLE, "TransferFailed",
                        "disk " + req.diskId() + ": flushing " + target.describe() + " failed: " + e.getMessage(), e);
            }
            req.progress().accept(meter.sample(System.nanoTime(), bytesDone.get(), bytesRead.get()));
            String sourceSum = hashing ? sourceDigests.checksum() : null;
            String targetSum = hashing ? targetDigests.checksum() : null;
            if (hashing && !sourceSum.equals(targetSum)) {
                int bad = firstMismatch();
                try {
                    req.checkpoints().clear(req.diskId()); // a retry must not resume into the inconsistent blocks
                } catch (IOException ignored) {
                    // the mismatch below is the failure worth reporting
                }
                throw new CopyFailedException(HoistException.Type.INTERNAL, "ChecksumMismatch",
                        "disk " + req.diskId() + ": checksum of what was read (" + sourceSum + ") differs from what was "
                                + "written (" + targetSum + "), first at block " + bad + " (offset "
                                + (long) bad * DiskChecksum.BLOCK_SIZE + ")", null);
            }
            try {
                if (streaming) {
                    req.checkpoints().clear(req.diskId()); // the whole stream was handed over: no attempt to report
                } else {
                    saveCheckpoint(); // complete: running the same copy again returns at once with the same checksums
                }
            } catch (IOException e) {
                throw new CopyFailedException(HoistException.Type.UNAVAILABLE, "TransferFailed",
                        "disk " + req.diskId() + ": recording the final checkpoint failed: " + e.getMessage(), e);
            }
            return new CopyResult(size, bytesRead.get(), bytesWritten.get(), bytesZeroed.get(), bytesUnchanged,
                    resumedFrom, recovered.get(), Duration.ofNanos(System.nanoTime() - started), opts.checksum(),
                    sourceSum, targetSum, hashing ? targetDigests : null);
        }

        private void prepare() throws IOException {
            size = source.size();
            long targetSize = target.size();
            if (targetSize < size) {
                throw CopyFailedException.invalid("disk " + req.diskId() + ": target " + target.describe() + " holds "
                        + targetSize + " bytes, less than the source's " + size);
            }
            blocks = Math.toIntExact(DiskChecksum.blockCount(size));
            extents = new ExtentPrefetcher(source, size);
            // With checksum none these stay all zeros (a checkpoint's digest fields keep their size).
            sourceDigests = new BlockDigests(opts.checksum(), size);
            targetDigests = new BlockDigests(opts.checksum(), size);
            if (req.allocation() != null) {
                allocation = new ArrayList<>(req.allocation());
                allocation.sort(Comparator.comparingLong(Extent::offset));
            }
            BitSet wanted = new BitSet(blocks);
            if (req.changedAreas() == null) {
                wanted.set(0, blocks);
            } else {
                if (streaming) {
                    throw CopyFailedException.invalid("disk " + req.diskId() + ": a warm delta cannot be written to the"
                            + " streaming target " + target.describe());
                }
                if (hashing && req.baseline().virtualSize() != size) {
                    throw CopyFailedException.invalid("disk " + req.diskId() + ": baseline digests are for a disk of "
                            + req.baseline().virtualSize() + " bytes, the source has " + size);
                }
                if (hashing && req.baseline().mode() != opts.checksum()) {
                    throw CopyFailedException.invalid("disk " + req.diskId() + ": baseline digests are "
                            + req.baseline().mode() + ", this copy checks " + opts.checksum());
                }
                for (Extent e : req.changedAreas()) {
                    if (e.length() > 0 && e.offset() < size) {
                        int first = (int) (e.offset() / DiskChecksum.BLOCK_SIZE);
                        int last = (int) ((Math.min(e.end(), size) - 1) / DiskChecksum.BLOCK_SIZE);
                        wanted.set(first, last + 1);
                    }
                }
                for (int b = wanted.nextClearBit(0); b < blocks; b = wanted.nextClearBit(b + 1)) {
                    if (hashing) {
                        byte[] d = req.baseline().get(b);
                        sourceDigests.set(b, d);
                        targetDigests.set(b, d);
                    }
                    done.set(b);
                    bytesUnchanged += DiskChecksum.blockLength(size, b);
                }
            }
            fingerprint = fingerprint();
            if (streaming) {
                recordStreamAttempt();
            } else {
                req.checkpoints().load(req.diskId())
                        .filter(cp -> cp.fingerprint().equals(fingerprint) && cp.virtualSize() == size)
                        .ifPresent(this::resumeFrom);
            }
            plan = wanted.stream().filter(b -> !done.get(b)).toArray();
        }

        /**
         * A stream cannot resume: CDI's upload proxy takes a disk as one request body from its first byte, with no
         * offset to continue from and no way to ask how much it holds. So for a stream the checkpoint store records
         * only how far an attempt got (blocks handed to the stream), never resumed from. An entry left by an earlier
         * attempt that did not finish (on this node or another sharing the store) means this one starts again from
         * byte 0, and the caller is told so before the first byte; this attempt's entry then replaces it.
         */
        private void recordStreamAttempt() throws IOException {
            var earlier = req.checkpoints().load(req.diskId())
                    .filter(cp -> cp.fingerprint().equals(fingerprint) && cp.virtualSize() == size);
            if (earlier.isPresent()) {
                long sent = Math.min(size, (long) earlier.get().blocksDone() * DiskChecksum.BLOCK_SIZE);
                req.restarted().accept("the upload to " + target.describe() + " starts again from byte 0: an earlier"
                        + " attempt had sent " + sent + " of " + size + " bytes and did not finish, and an upload"
                        + " cannot be resumed (the upload proxy takes a disk as one request from its first byte)");
            }
            req.checkpoints().save(req.diskId(), new Checkpoint(fingerprint, size, 0, new byte[0], new byte[0]));
        }

        private void resumeFrom(Checkpoint cp) {
            sourceDigests.setPrefix(cp.sourceDigests());
            targetDigests.setPrefix(cp.targetDigests());
            savedBlocks = cp.blocksDone();
            for (int b = 0; b < cp.blocksDone(); b++) {
                if (!done.get(b)) {
                    done.set(b);
                    resumedFrom += DiskChecksum.blockLength(size, b);
                }
            }
            bytesDone.set(resumedFrom);
        }

        private String fingerprint() {
            long changed = 17;
            if (req.changedAreas() != null) {
                for (Extent e : req.changedAreas()) {
                    changed = changed * 31 + e.offset() * 7 + e.length();
                }
                if (req.baseline() != null) {
                    changed = changed * 31 + req.baseline().checksum().hashCode();
                }
            }
            // A checkpoint must only be resumed by a copy hashing the same way: without digests its prefix would hash
            // as zeros, with another algorithm's the checksum would mix two. (sha256-4m: no suffix, as before.)
            return "size=" + size + ";target=" + target.describe() + ";changed=" + Long.toHexString(changed)
                    + (opts.checksum() == ChecksumMode.SHA256_4M ? "" : ";checksum=" + opts.checksum())
                    + (streaming ? ";stream" : ""); // a stream's entry records an attempt, never a resumable prefix
        }

        private long progressTotal() {
            return size - bytesUnchanged;
        }

        private void coordinate(ProgressMeter meter) throws InterruptedException {
            long nextCheckpoint = System.nanoTime() + opts.checkpointEvery().toNanos();
            long tick = Math.max(10, opts.progressEvery().toMillis());
            while (true) {
                lock.lock();
                try {
                    if (runningWorkers == 0) {
                        return;
                    }
                    workerDone.await(tick, TimeUnit.MILLISECONDS);
                    if (runningWorkers == 0) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                if (failure.get() != null) {
                    abortStream(); // a worker waiting for its turn on a stream would wait for a block that never comes
                }
                long now = System.nanoTime();
                req.progress().accept(meter.sample(now, bytesDone.get(), bytesRead.get()));
                if (now >= nextCheckpoint && failure.get() == null) {
                    try {
                        saveCheckpoint();
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, new IOException("recording checkpoint for " + target.describe()
                                + " failed: " + e.getMessage(), e));
                    }
                    nextCheckpoint = System.nanoTime() + opts.checkpointEvery().toNanos();
                }
            }
        }

        private void abortStream() {
            if (target instanceof StreamingDiskWriter stream) {
                stream.abort();
            }
        }

        /**
         * Flushes the target, then records the contiguous prefix of done blocks with its digests. For a stream that
         * prefix is what was handed to it (its flush does nothing): how far this attempt got, see
         * {@link #recordStreamAttempt()}.
         */
        private void saveCheckpoint() throws IOException {
            int prefix;
            lock.lock();
            try {
                prefix = Math.min(done.nextClearBit(0), blocks);
            } finally {
                lock.unlock();
            }
            if (prefix <= savedBlocks) {
                return;
            }
            target.flush();
            req.checkpoints().save(req.diskId(), new Checkpoint(fingerprint, size, prefix,
                    sourceDigests.prefix(prefix), targetDigests.prefix(prefix)));
            savedBlocks = prefix;
        }

        private void saveCheckpointQuietly() {
            try {
                saveCheckpoint();
            } catch (IOException | RuntimeException e) {
                Throwable f = failure.get();
                if (f != null) {
                    f.addSuppressed(e);
                }
            }
        }

        private int firstMismatch() {
            for (int b = 0; b < blocks; b++) {
                if (!sourceDigests.blockEquals(targetDigests, b)) {
                    return b;
                }
            }
            return -1;
        }

        private CopyFailedException asCopyFailure(Throwable t) {
            if (t instanceof CopyFailedException c) {
                return c;
            }
            if (t instanceof InterruptedException) {
                return new CopyFailedException(HoistException.Type.UNAVAILABLE, "TransferCancelled",
                        "disk " + req.diskId() + (streaming ? ": upload cancelled; an upload cannot be resumed, the next"
                                + " attempt starts from byte 0" : ": copy cancelled; progress is kept in its checkpoint"), t);
            }
            return new CopyFailedException(HoistException.Type.INTERNAL, "TransferFailed",
                    "disk " + req.diskId() + ": copy failed: " + t, t);
        }

        // ---- worker side ----

        /** What one worker owns and reuses for every block: no allocation per block on the data path. */
        /**
         * A worker's buffer: one checksum block, or the whole disk when it is smaller (rounded up to the alignment).
         * Allocating (and zeroing) 4 MiB of direct memory per worker cost more than copying a small disk.
         */
        private int bufferSize() {
            long aligned = (Math.max(size, 1) + BUFFER_ALIGNMENT - 1) / BUFFER_ALIGNMENT * BUFFER_ALIGNMENT;
            return (int) Math.min(DiskChecksum.BLOCK_SIZE, aligned);
        }

        private final class Worker {
            /** Page-aligned so file targets can take it with O_DIRECT. */
            final ByteBuffer buf = ByteBuffer.allocateDirect(bufferSize() + BUFFER_ALIGNMENT)
                    .alignedSlice(BUFFER_ALIGNMENT).limit(bufferSize()).slice();
            /** The writer only ever sees this read-only view, so it cannot change bytes after they were hashed. */
            final ByteBuffer view = buf.asReadOnlyBuffer();
            final BlockHasher hasher = hashing ? opts.checksum().newHasher() : null;
            int[] runStart = new int[64];
            boolean[] runZero = new boolean[64];
            int runs;

            void addRun(int start, boolean zero) {
                if (runs > 0 && runZero[runs - 1] == zero) {
                    return;
                }
                if (runs == runStart.length) {
                    runStart = java.util.Arrays.copyOf(runStart, runs * 2);
                    runZero = java.util.Arrays.copyOf(runZero, runs * 2);
                }
                runStart[runs] = start;
                runZero[runs] = zero;
                runs++;
            }
        }

        private void work() {
            Worker w = new Worker();
            try {
                while (failure.get() == null && !Thread.currentThread().isInterrupted()) {
                    int i = nextPlanIndex.getAndIncrement();
                    if (i >= plan.length) {
                        break;
                    }
                    copyBlock(plan[i], w);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                lock.lock();
                try {
                    runningWorkers--;
                    workerDone.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void copyBlock(int block, Worker w) throws IOException, InterruptedException {
            long off = (long) block * DiskChecksum.BLOCK_SIZE;
            int len = DiskChecksum.blockLength(size, block);
            List<Extent> map = allocation != null
                    ? ExtentMaps.fromAllocation(allocation, off, len)
                    : retrying("reading the allocation map of", off, () -> extents.map(off, len));

            ByteBuffer buf = w.buf;
            buf.clear();
            boolean anyData = false;
            for (Extent e : map) {
                anyData |= !e.zero();
            }
            if (anyData) {
                for (Extent e : map) {
                    int at = (int) (e.offset() - off);
                    int n = (int) e.length();
                    if (e.zero()) {
                        // Holes inside a block with data: zeros in the buffer so the block hashes as one piece.
                        buf.limit(at + n).position(at);
                        DiskChecksum.fillZeros(buf);
                    } else {
                        readRange(e.offset(), buf, at, n);
                    }
                }
            }

            buf.clear();
            if (!anyData || DiskChecksum.isZero(buf, 0, len)) {
                // Known or detected zeros: nothing to hash (the digest of a zero block is a constant), nothing to write.
                retrying("zeroing", off, () -> {
                    target.writeZeroes(off, len);
                    return null;
                });
                bytesZeroed.addAndGet(len);
                if (hashing) {
                    byte[] zeroDigest = DiskChecksum.zeroBlockDigest(opts.checksum(), len);
                    sourceDigests.set(block, zeroDigest);
                    targetDigests.set(block, zeroDigest);
                }
            } else {
                byte[] sourceDigest = null;
                if (hashing) {
                    sourceDigest = w.hasher.digest(buf.clear().limit(len));
                    sourceDigests.set(block, sourceDigest);
                }
                planRuns(off, len, map, w);
                writeRuns(block, off, len, w, sourceDigest);
            }
            lock.lock();
            try {
                done.set(block);
            } finally {
                lock.unlock();
            }
            bytesDone.addAndGet(len);
        }

        private void readRange(long diskOffset, ByteBuffer buf, int at, int length) throws IOException, InterruptedException {
            int pos = 0;
            while (pos < length) {
                int n = Math.min(opts.requestSize(), length - pos);
                for (BandwidthBudget.Share share : shares) {
                    share.acquire(n);
                }
                int bufAt = at + pos;
                long readAt = diskOffset + pos;
                retrying("reading", readAt, () -> {
                    buf.limit(bufAt + n).position(bufAt);
                    int got = source.read(readAt, buf);
                    if (got < n) {
                        throw new EOFException("short read: " + got + " of " + n + " bytes (source ended early)");
                    }
                    return null;
                });
                bytesRead.addAndGet(n);
                pos += n;
            }
        }

        /** Cuts the block into data and zero runs: zeros reported by the map or detected per {@link #ZERO_DETECT_GRANULE}. */
        private void planRuns(long off, int len, List<Extent> map, Worker w) {
            w.runs = 0;
            ByteBuffer buf = w.buf.clear();
            int pos = 0;
            for (Extent e : map) {
                int end = (int) (e.end() - off);
                if (e.zero()) {
                    w.addRun(pos, true);
                    pos = end;
                    continue;
                }
                while (pos < end) {
                    int step = Math.min(ZERO_DETECT_GRANULE - (pos % ZERO_DETECT_GRANULE), end - pos);
                    w.addRun(pos, DiskChecksum.isZero(buf, pos, pos + step));
                    pos += step;
                }
            }
        }

        /**
         * Writes the runs: data with {@code write} (through the read-only view), zeros with {@code writeZeroes}.
         * The target digest is what the writer was handed: for a block written as one data run that is exactly the
         * bytes hashed as read (same memory, read-only to the writer, owned by this worker), so that digest is
         * reused; when zero runs were cut out, the runs are hashed again as written (zeros for holes), so a
         * wrong zero detection or a wrong offset shows as a checksum mismatch.
         */
        private void writeRuns(int block, long off, int len, Worker w, byte[] sourceDigest)
                throws IOException, InterruptedException {
            boolean rehash = hashing && w.runs > 1;
            if (rehash) {
                w.hasher.start();
            }
            for (int r = 0; r < w.runs; r++) {
                int from = w.runStart[r];
                int to = r + 1 < w.runs ? w.runStart[r + 1] : len;
                int n = to - from;
                long at = off + from;
                if (w.runZero[r]) {
                    retrying("zeroing", at, () -> {
                        target.writeZeroes(at, n);
                        return null;
                    });
                    bytesZeroed.addAndGet(n);
                    if (rehash) {
                        w.hasher.updateZeros(n);
                    }
                } else {
                    retrying("writing", at, () -> {
                        target.write(at, w.view.limit(to).position(from));
                        return null;
                    });
                    bytesWritten.addAndGet(n);
                    if (rehash) {
                        w.hasher.update(w.view.limit(to).position(from));
                    }
                }
            }
            if (hashing) {
                targetDigests.set(block, rehash ? w.hasher.finish() : sourceDigest);
            }
        }

        private interface IoCall<T> {
            T run() throws IOException;
        }

        private <T> T retrying(String what, long offset, IoCall<T> call) throws InterruptedException {
            int attempt = 0;
            long backoff = opts.initialBackoff().toNanos();
            while (true) {
                if (failure.get() != null) {
                    throw new CopyAborted();
                }
                try {
                    T result = call.run();
                    if (attempt > 0) {
                        recovered.addAndGet(attempt);
                    }
                    return result;
                } catch (IOException | UncheckedIOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("cancelled");
                    }
                    attempt++;
                    int total = failures.incrementAndGet();
                    if (attempt >= opts.maxAttempts() || total > opts.maxFailures()) {
                        String limit = attempt >= opts.maxAttempts()
                                ? attempt + " attempts" : total + " failures in this copy (limit " + opts.maxFailures() + ")";
                        throw new CopyFailedException(HoistException.Type.UNAVAILABLE, "TransferFailed",
                                "disk " + req.diskId() + ": " + what + " " + (what.startsWith("reading") ? source.describe()
                                        : target.describe()) + " at offset " + offset + " failed after " + limit + ": "
                                        + e.getMessage(), e);
                    }
                    TimeUnit.NANOSECONDS.sleep(backoff);
                    backoff = Math.min(backoff * 2, opts.maxBackoff().toNanos());
                }
            }
        }
    }

    /** Thrown inside a worker when another worker already failed the copy; the first failure is reported. */
    private static final class CopyAborted extends RuntimeException {
        CopyAborted() {
            super("aborted after another failure", null, false, false);
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                t.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
