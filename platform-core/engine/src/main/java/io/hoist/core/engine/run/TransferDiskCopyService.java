package io.hoist.core.engine.run;

import io.hoist.core.transfer.budget.BandwidthBudget;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.BlockDigests;
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
import java.util.function.ToDoubleFunction;

/**
 * {@link DiskCopyService} on the platform's transfer engine: checkpoints under {@code DATA/checkpoints},
 * the target block digests of each pass under {@code DATA/digests} (the baseline of the next warm
 * delta), bandwidth from named budgets whose rates are looked up at each copy start.
 */
public final class TransferDiskCopyService implements DiskCopyService {
    private final FileCheckpointStore checkpoints;
    private final Path digestsDir;
    private final BandwidthBudgets budgets;
    private final ToDoubleFunction<String> rateOf;
    private final ScheduledExecutorService timers;
    private final CopyOptions options;

    /**
     * @param rateOf MiB/s of a budget name ({@code host:...}, {@code plan:...}); 0 or less means unlimited
     */
    public TransferDiskCopyService(Path dataDir, BandwidthBudgets budgets, ToDoubleFunction<String> rateOf,
                                   ScheduledExecutorService timers) {
        try {
            this.checkpoints = new FileCheckpointStore(dataDir.resolve("checkpoints"));
            this.digestsDir = Files.createDirectories(dataDir.resolve("digests"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.budgets = budgets;
        this.rateOf = rateOf;
        this.timers = timers;
        this.options = CopyOptions.DEFAULT.withCheckpointEvery(Duration.ofSeconds(2)).withProgressEvery(Duration.ofMillis(500));
    }

    @Override
    public Result copy(CopyRequest r) throws Exception {
        List<BandwidthBudget> shared = new ArrayList<>();
        for (String name : r.budgets()) {
            double rate = rateOf.applyAsDouble(name);
            if (rate > 0) {
                shared.add(budgets.define(name, rate));
            } else {
                budgets.get(name).ifPresent(b -> b.setRate(0));
            }
        }
        var builder = io.hoist.core.transfer.copy.CopyRequest.builder(fileKey(r.checkpointKey()), r.reader(), r.writer())
                .checkpoints(checkpoints).budgets(shared).progress(r.progress()).options(options);
        BlockDigests baseline = r.extents() == null ? null : loadDigests(r.digestsKey(), r.reader().size());
        if (r.extents() != null) {
            if (baseline != null) {
                builder.changedAreas(r.extents(), baseline);
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
        } finally {
            watch.cancel(false);
            Thread.interrupted(); // a late cancel must not leak into the next task on this thread
        }
        saveDigests(r.digestsKey(), result.targetDigests());
        return new Result(result.bytesRead() + result.bytesZeroed(), result.virtualSize(), result.sourceChecksum(),
                result.targetChecksum());
    }

    @Override
    public void dropCheckpoint(String checkpointKey) {
        try {
            checkpoints.clear(fileKey(checkpointKey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path digestsFile(String key) {
        return digestsDir.resolve(fileKey(key) + ".sha256s");
    }

    private BlockDigests loadDigests(String key, long size) throws IOException {
        Path f = digestsFile(key);
        if (!Files.exists(f)) {
            return null;
        }
        return BlockDigests.of(size, Files.readAllBytes(f));
    }

    private void saveDigests(String key, BlockDigests digests) throws IOException {
        if (digests == null) {
            return;
        }
        Path f = digestsFile(key);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.write(tmp, digests.prefix(digests.blockCount()));
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keys contain '/', file names may not. */
    private static String fileKey(String key) {
        return key.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
