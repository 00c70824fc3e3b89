package io.hoist.core.engine.run;

import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.copy.CopyFailedException;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link DiskCopyService} on the platform's transfer engine: checkpoints under {@code DATA/checkpoints} (or in a
 * store every node reaches, given to the constructor), the target block digests of each pass under {@code DATA/digests}
 * (the baseline of the next warm delta; one file per algorithm, and a delta keeps the algorithm of the baseline it
 * finds, which its result reports), bandwidth from named budgets whose rates are looked up at each copy start. A pass run with checksum
 * {@code none} leaves a {@code .none} marker instead of digests: the next delta then copies without a baseline and
 * also reports {@code none}, since no checksum of the whole disk can be formed from it.
 */
public final class TransferDiskCopyService implements DiskCopyService {
    /** The copier's failure code when the target's checksum differs from the source's. */
    private static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
    private static final System.Logger LOG = System.getLogger(TransferDiskCopyService.class.getName());
    private final CheckpointStore checkpoints;
    private final Path digestsDir;
    private final BandwidthBudgets budgets;
    private final ScheduledExecutorService timers;
    private final CopyOptions options;
    private final RunMeters meters;

    public TransferDiskCopyService(Path dataDir, BandwidthBudgets budgets, ScheduledExecutorService timers) {
        this(dataDir, budgets, timers, RunMeters.NONE);
    }

    /** As above, counting checksum mismatches in {@code meters}. */
    public TransferDiskCopyService(Path dataDir, BandwidthBudgets budgets, ScheduledExecutorService timers, RunMeters meters) {
        this(dataDir, fileCheckpoints(dataDir), budgets, timers, meters);
    }

    /** As above, with checkpoints kept in {@code checkpoints} (nodes sharing a store: where every node finds them). */
    public TransferDiskCopyService(Path dataDir, CheckpointStore checkpoints, BandwidthBudgets budgets,
                                   ScheduledExecutorService timers, RunMeters meters) {
        this.meters = meters;
        this.checkpoints = checkpoints;
        try {
            this.digestsDir = Files.createDirectories(dataDir.resolve("digests"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.budgets = budgets;
        this.timers = timers;
        this.options = CopyOptions.DEFAULT.withCheckpointEvery(Duration.ofSeconds(2)).withProgressEvery(Duration.ofMillis(500));
    }

    /** The checkpoints of a single process: files under {@code DATA/checkpoints}. */
    public static CheckpointStore fileCheckpoints(Path dataDir) {
        try {
            return new FileCheckpointStore(dataDir.resolve("checkpoints"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Result copy(CopyRequest r) throws Exception {
        List<BandwidthBudget> shared = new ArrayList<>();
        for (var e : r.budgets().entrySet()) {
            String name = e.getKey();
            double rate = e.getValue();
            if (rate > 0) {
                shared.add(budgets.define(name, rate));
            } else {
                budgets.get(name).ifPresent(b -> b.setRate(0));
            }
        }
        ChecksumMode mode = r.checksum() == null ? ChecksumMode.SHA256_4M : r.checksum();
        // The marker wins over digests: it is written first and removed last, so a crash in between never pairs a
        // stale baseline with a verified claim.
        boolean earlierPassUnhashed = r.extents() != null && Files.exists(noneMarker(r.digestsKey()));
        BlockDigests baseline = r.extents() == null || earlierPassUnhashed ? null : loadDigests(r.digestsKey(), r.reader().size(), mode);
        if (earlierPassUnhashed) {
            mode = ChecksumMode.NONE;
        } else if (baseline != null) {
            mode = baseline.mode(); // a checksum of the whole disk exists only in the algorithm of the earlier passes
        }
        var builder = io.hoist.core.transfer.copy.CopyRequest.builder(fileKey(r.checkpointKey()), r.reader(), r.writer())
                .checkpoints(checkpoints).budgets(shared).progress(r.progress()).options(options.withChecksum(mode));
        if (r.extents() != null) {
            if (baseline != null || earlierPassUnhashed) {
                builder.changedAreas(r.extents(), mode.verifies() ? baseline : null);
            } else {
                builder.allocation(r.extents()); // first pass of a warm migration: the allocated areas
            }
        }
        Thread copying = Thread.currentThread();
        ScheduledFuture<?> watch = timers.scheduleWithFixedDelay(() -> {
            if (r.canceled().getAsBoolean()) {
                copying.interrupt();
            }
        }, 200, 200, TimeUnit.MILLISECONDS);
        CopyResult result;
        try {
            result = DiskCopier.copy(builder.build());
        } catch (CopyFailedException e) {
            if (CHECKSUM_MISMATCH.equals(e.code())) {
                meters.checksumMismatch();
            }
            throw e;
        } finally {
            watch.cancel(false);
            Thread.interrupted(); // a late cancel must not leak into the next task on this thread
        }
        if (result.resumedFrom() > 0) {
            // the one place a user sees that a copy (possibly begun on another node) went on from its checkpoint
            LOG.log(System.Logger.Level.INFO, "disk " + r.diskId() + " (" + r.checkpointKey() + ") resumed from a checkpoint at "
                    + result.resumedFrom() + " of " + result.virtualSize() + " bytes; copied " + (result.bytesRead() + result.bytesZeroed())
                    + " bytes more");
        }
        saveDigests(r.digestsKey(), result.targetDigests());
        return new Result(result.bytesRead() + result.bytesZeroed(), result.virtualSize(), result.checksum(),
                result.sourceChecksum(), result.targetChecksum());
    }

    @Override
    public void dropCheckpoint(String checkpointKey) {
        try {
            checkpoints.clear(fileKey(checkpointKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code KEY.sha256s} (the name from before there was a choice), {@code KEY.xxh128s}. */
    private Path digestsFile(String key, ChecksumMode mode) {
        return digestsDir.resolve(fileKey(key) + "." + mode.label().replace("-4m", "") + "s");
    }

    /** The baseline in {@code wanted}'s algorithm, else in another one, else null. */
    private BlockDigests loadDigests(String key, long size, ChecksumMode wanted) throws IOException {
        List<ChecksumMode> order = new ArrayList<>(List.of(wanted));
        for (ChecksumMode m : ChecksumMode.values()) {
            if (m.verifies() && m != wanted) {
                order.add(m);
            }
        }
        for (ChecksumMode m : order) {
            Path f = digestsFile(key, m);
            if (m.verifies() && Files.exists(f)) {
                return BlockDigests.of(m, size, Files.readAllBytes(f));
            }
        }
        return null;
    }

    private Path noneMarker(String key) {
        return digestsDir.resolve(fileKey(key) + ".none");
    }

    /** The baseline of the next delta: the digests, or (checksum none) a marker that a pass was done without. */
    private void saveDigests(String key, BlockDigests digests) throws IOException {
        if (digests == null) {
            Files.write(noneMarker(key), new byte[0]);
            deleteDigestsOtherThan(key, null);
            return;
        }
        Path f = digestsFile(key, digests.mode());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, digests.prefix(digests.blockCount()));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteDigestsOtherThan(key, digests.mode());
        Files.deleteIfExists(noneMarker(key));
    }

    private void deleteDigestsOtherThan(String key, ChecksumMode kept) throws IOException {
        for (ChecksumMode m : ChecksumMode.values()) {
            if (m.verifies() && m != kept) {
                Files.deleteIfExists(digestsFile(key, m));
            }
        }
    }

    /** Keys contain '/', file names may not. */
    private static String fileKey(String key) {
        return key.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
