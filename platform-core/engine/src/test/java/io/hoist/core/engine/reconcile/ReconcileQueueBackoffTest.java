package io.hoist.core.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.engine.bus.Messages;
import io.hoist.core.model.ResourceKind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 12 item 2: a pass that keeps asking to be looked at again, or keeps failing, is requeued ever later. */
class ReconcileQueueBackoffTest {
    private static final Messages.Reconcile OBJECT = new Messages.Reconcile(ResourceKind.PROVIDER, "ns", "vcenter");

    @Test
    void theRequeueDelayDoublesToItsCapWithJitter() {
        ReconcileQueue q = new ReconcileQueue(r -> true, null, Runnable::run, Duration.ZERO,
                Duration.ofSeconds(5), Duration.ofMinutes(1));
        for (int i = 0; i < 50; i++) {
            assertThat(q.backoffMs(1)).isBetween(4_000L, 6_000L);
            assertThat(q.backoffMs(2)).isBetween(8_000L, 12_000L);
            assertThat(q.backoffMs(3)).isBetween(16_000L, 24_000L);
            assertThat(q.backoffMs(5)).isBetween(48_000L, 60_000L); // 80 s capped
            assertThat(q.backoffMs(30)).isBetween(48_000L, 60_000L);
        }
        // the jitter spreads objects that fail together
        assertThat(java.util.stream.IntStream.range(0, 50).mapToLong(i -> q.backoffMs(1)).distinct().count()).isGreaterThan(5);
    }

    /**
     * A reconciler that fails (throws) 6 times, then asks to be looked at again 2 times, then is done: the gaps between
     * its passes grow while it fails, and its end stops the requeue. Base 40 ms, cap 320 ms.
     */
    @Test
    void failingPassesAreRetriedEverLaterAndADonePassStops() throws Exception {
        List<Long> passes = new CopyOnWriteArrayList<>();
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ReconcileQueue q = new ReconcileQueue(r -> {
                passes.add(System.nanoTime());
                int i = n.incrementAndGet();
                if (i <= 6) {
                    throw new IllegalStateException("vCenter unreachable (test)");
                }
                return i <= 8;
            }, timer, Runnable::run, Duration.ZERO, Duration.ofMillis(40), Duration.ofMillis(320));
            q.enqueue(OBJECT);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (passes.size() < 9 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(passes).hasSize(9);
            Thread.sleep(1_000); // longer than the cap: a done object is not looked at again
            assertThat(passes).hasSize(9);
            q.close();
        } finally {
            timer.shutdownNow();
        }
        long[] gapsMs = new long[passes.size() - 1];
        for (int i = 1; i < passes.size(); i++) {
            gapsMs[i - 1] = TimeUnit.NANOSECONDS.toMillis(passes.get(i) - passes.get(i - 1));
        }
        // at least the backoff (a loaded machine only adds): 32, 64, 128, 256, 256 ms... (lower jitter bound)
        assertThat(gapsMs[0]).as("gaps %s", java.util.Arrays.toString(gapsMs)).isGreaterThanOrEqualTo(32);
        assertThat(gapsMs[1]).as("gaps %s", java.util.Arrays.toString(gapsMs)).isGreaterThanOrEqualTo(64);
        assertThat(gapsMs[2]).as("gaps %s", java.util.Arrays.toString(gapsMs)).isGreaterThanOrEqualTo(128);
        assertThat(gapsMs[3]).as("gaps %s", java.util.Arrays.toString(gapsMs)).isGreaterThanOrEqualTo(256);
        assertThat(gapsMs[4]).as("gaps %s", java.util.Arrays.toString(gapsMs)).isGreaterThanOrEqualTo(256);
    }

    /** A change to the object gets a pass at once, not after the backoff its failures built up. */
    @Test
    void aChangeIsNotDelayedByTheBackoff() throws Exception {
        List<Long> passes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ReconcileQueue q = new ReconcileQueue(r -> {
                passes.add(System.nanoTime());
                return true;
            }, timer, Runnable::run, Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(5));
            q.enqueue(OBJECT);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (passes.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            q.enqueue(OBJECT); // the object changed
            while (passes.size() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(passes).hasSize(2);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(passes.get(1) - t0)).as("s until the change's pass").isLessThan(20);
            q.close();
        } finally {
            timer.shutdownNow();
        }
    }
}
