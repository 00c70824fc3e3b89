package io.hoist.core.store.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** {@code hoist_store_write_duration_seconds{outcome}}: every store write from the call to its acknowledgement. */
public final class WriteTimers {
    private volatile Timer ok;
    private volatile Timer failed;

    /** Starts recording in {@code registry} (until then writes are not timed). */
    public void register(MeterRegistry registry) {
        failed = timer("failed").register(registry);
        ok = timer("ok").register(registry);
    }

    private static Timer.Builder timer(String outcome) {
        // Fixed buckets from an fsync on a fast SSD to a disk that stalls: a histogram Prometheus can aggregate.
        return Timer.builder("hoist_store_write_duration")
                .description("Store writes from the call to the acknowledgement (group commit and fsync included)")
                .tag("outcome", outcome)
                .serviceLevelObjectives(Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000)
                        .map(Duration::ofMillis).toArray(Duration[]::new));
    }

    /** Runs {@code write}, timed when registered. */
    public <T> T time(Supplier<T> write) {
        Timer okTimer = ok;
        if (okTimer == null) {
            return write.get();
        }
        long start = System.nanoTime();
        boolean failedWrite = true;
        try {
            T result = write.get();
            failedWrite = false;
            return result;
        } finally {
            (failedWrite ? failed : okTimer).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
