package io.hoist.core.engine.run;

import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.checkpoint.BaselineStore;
import io.hoist.core.transfer.checkpoint.CheckpointStore;
import io.hoist.core.transfer.checkpoint.FileBaselineStore;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.BlockDigests;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.copy.CopyFailedException;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link DiskCopyService} on the platform's transfer engine: checkpoints under {@code DATA/checkpoints} and the target
 * block digests of each pass under {@code DATA/digests} (the baseline of the next warm delta), or both in a store every
 * node reaches, given to the constructor; bandwidth from named budgets whose rates are looked up at each copy start. A
 * delta keeps the algorithm of the baseline it finds, which its result reports. A pass run with checksum {@code none}
 * records that instead of digests: the next delta then copies without a baseline and also reports {@code none}, since
 * no checksum of the whole disk can be formed from it.
 */
public final class TransferDiskCopyService implements DiskCopyService {
    /** The copier's failure code when the target's checksum differs from the source's. */
    private static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
    private static final System.Logger LOG = System.getLogger(TransferDiskCopyService.class.getName());
    private final CheckpointStore checkpoints;
    private final BaselineStore baselines;
    private final BandwidthBudgets budgets;
    private final ScheduledExecutorService timers;
    private final CopyOptions options;
    private final RunMeters meters;

    public TransferDiskCopyService(Path dataDir, BandwidthBudgets budgets, ScheduledExecutorService timers) {
        this(dataDir, budgets, timers, RunMeters.NONE);
    }

    /** As above, counting checksum mismatches in {@code meters}. */
    public TransferDiskCopyService(Path dataDir, BandwidthBudgets budgets, ScheduledExecutorService timers, RunMeters meters) {
        this(fileCheckpoints(dataDir), fileBaselines(dataDir), budgets, timers, meters);
    }

    /**
     * As above, with checkpoints and warm baselines kept in {@code checkpoints} and {@code baselines} (nodes sharing a
     * store: where every node finds them).
     */
    public TransferDiskCopyService(CheckpointStore checkpoints, BaselineStore baselines, BandwidthBudgets budgets,
                                   ScheduledExecutorService timers, RunMeters meters) {
        this.meters = meters;
        this.checkpoints = checkpoints;
        this.baselines = baselines;
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

    /** The warm baselines of a single process: files under {@code DATA/digests}. */
    public static BaselineStore fileBaselines(Path dataDir) {
        try {
            return new FileBaselineStore(dataDir.resolve("digests"));
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
        Optional<BaselineStore.Baseline> earlier = r.extents() == null ? Optional.empty()
                : baselines.load(r.digestsKey(), r.reader().size(), mode);
        boolean earlierPassUnhashed = earlier.map(BaselineStore.Baseline::unhashed).orElse(false);
        BlockDigests baseline = earlier.map(BaselineStore.Baseline::digests).orElse(null);
        if (earlierPassUnhashed) {
            mode = ChecksumMode.NONE;
        } else if (baseline != null) {
            mode = baseline.mode(); // a checksum of the whole disk exists only in the algorithm of the earlier passes
        }
        var builder = io.hoist.core.transfer.copy.CopyRequest.builder(fileKey(r.checkpointKey()), r.reader(), r.writer())
                .checkpoints(checkpoints).budgets(shared).progress(r.progress()).options(options.withChecksum(mode))
                .restarted(r.restarted());
        if (r.extents() != null) {
            if (baseline != null || earlierPassUnhashed) {
                builder.changedAreas(r.extents(), mode.verifies() ? baseline : null);
            } else if (r.delta()) {
                // Taken as a first pass's allocation, the changed areas would leave every other block a hole: zeros
                // written over the target's earlier passes. The reader's own map copies the disk whole, correctly.
                LOG.log(System.Logger.Level.WARNING, "disk " + r.diskId() + " (" + r.checkpointKey() + "): no baseline"
                        + " of the earlier pass was found; copying the whole disk instead of the delta");
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
        baselines.save(r.digestsKey(), result.targetDigests());
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

    /** Keys contain '/', file names may not. */
    private static String fileKey(String key) {
        return io.hoist.core.transfer.checkpoint.CheckpointKeys.safe(key);
    }
}
