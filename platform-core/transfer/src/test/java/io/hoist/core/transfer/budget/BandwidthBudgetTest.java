package io.hoist.core.transfer.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.Images;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BandwidthBudgetTest {
    private static final long MIB = 1024 * 1024;
    private static final java.util.concurrent.Executor POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "budget-test");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path dir;

    private CopyResult copy(Path src, String name, BandwidthBudget budget, int inFlight, AtomicLong done) throws Exception {
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve(name), r.size())) {
            return DiskCopier.copy(CopyRequest.builder(name, r, w).budgets(List.of(budget))
                    .options(CopyOptions.DEFAULT.withInFlight(inFlight).withRequestSize(256 * 1024).withProgressEvery(Duration.ofMillis(20)))
                    .progress(p -> done.set(p.bytesDone()))
                    .build());
        }
    }

    @Test
    void limitsACopyToTheRate() throws Exception {
        Path src = Images.mixed(dir, "src.img", 24 * MIB, 1, 71); // dense: 24 MiB to read
        CopyResult result = copy(src, "a.img", new BandwidthBudget("plan-a", 12), 8, new AtomicLong());
        // 24 MiB at 12 MiB/s: about 2 s (minus a quarter-second burst).
        assertThat(result.elapsed()).isBetween(Duration.ofMillis(1600), Duration.ofMillis(4000));
        assertThat(result.targetChecksum()).isEqualTo(result.sourceChecksum());
    }

    @Test
    void sharesFairlyBetweenDisksWhateverTheirParallelism() throws Exception {
        Path src = Images.mixed(dir, "src.img", 24 * MIB, 1, 72);
        BandwidthBudget host = new BandwidthBudget("host-esx1", 16);
        AtomicLong wideDone = new AtomicLong();
        AtomicLong narrowDone = new AtomicLong();
        // Own threads: the common pool may have a single thread on a 2-core machine and would run them one after the other.
        CompletableFuture<CopyResult> wide = CompletableFuture.supplyAsync(() -> uncheck(() -> copy(src, "wide.img", host, 8, wideDone)), POOL);
        CompletableFuture<CopyResult> narrow = CompletableFuture.supplyAsync(() -> uncheck(() -> copy(src, "narrow.img", host, 1, narrowDone)), POOL);
        double wideSeconds = wide.join().elapsed().toMillis() / 1000.0;
        double narrowSeconds = narrow.join().elapsed().toMillis() / 1000.0;
        // 48 MiB at 16 MiB/s: both take ~3 s when shared per disk. Shared per request, the wide disk would take
        // 8/9 of the rate and finish in ~1.7 s while the narrow one starved (ratio ~1.75).
        assertThat(Math.max(wideSeconds, narrowSeconds) / Math.min(wideSeconds, narrowSeconds)).isLessThan(1.35);
        assertThat(Math.max(wideSeconds, narrowSeconds)).isGreaterThan(2.4);
    }

    @Test
    void rateChangesApplyToRunningCopies() throws Exception {
        Path src = Images.mixed(dir, "src.img", 32 * MIB, 1, 73);
        BandwidthBudget plan = new BandwidthBudget("plan-b", 4); // would take ~8 s
        CompletableFuture<CopyResult> running = CompletableFuture.supplyAsync(() -> uncheck(() -> copy(src, "c.img", plan, 4, new AtomicLong())), POOL);
        Thread.sleep(500);
        assertThat(running).isNotDone();
        plan.setRate(0); // unlimited
        CopyResult result = running.join();
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void registryRedefinesByNameAndRejectsNegativeRates() {
        BandwidthBudgets budgets = new BandwidthBudgets();
        BandwidthBudget a = budgets.define("plan-x", 100);
        assertThat(budgets.define("plan-x", 50)).isSameAs(a);
        assertThat(a.mibPerSecond()).isEqualTo(50);
        assertThatThrownBy(() -> a.setRate(-1)).hasMessageContaining("bandwidth budget plan-x: rate must be >= 0 MiB/s");
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T uncheck(Call<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
