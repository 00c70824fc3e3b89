package io.hoist.core.server.metrics;

import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live transfer figures from the engine's disk-progress messages on the event bus (every report, not the
 * coalesced status): bytes copied and the current rate per plan and source host (the same host key as
 * {@code hoist_disks_in_flight}), and the bytes each migration moved, which
 * {@link MigrationMetrics} reports as MTV's data-transferred gauge before the status catches up.
 */
final class TransferMetrics implements AutoCloseable {
    /** A disk that has not reported for this long no longer counts towards the current rate. */
    private static final long STALE_NANOS = 10_000_000_000L;

    private record DiskKey(String migrationUid, String vmId, String diskId) {}

    private record Disk(String namespace, String plan, String host, long bytesDone, long bytesTotal, double rate, long at) {}

    private final MeterRegistry registry;
    private final Map<DiskKey, Disk> disks = new ConcurrentHashMap<>();
    private final MultiGauge rate;
    private final MessageConsumer<Messages.DiskProgress> consumer;

    TransferMetrics(MeterRegistry registry, Vertx vertx) {
        this.registry = registry;
        rate = MultiGauge.builder("hoist_disk_copy_rate_bytes_per_second")
                .description("Current copy rate of the disks being transferred, per plan and source host").register(registry);
        consumer = vertx.eventBus().consumer(Addresses.DISK_PROGRESS, msg -> record(msg.body()));
    }

    void record(Messages.DiskProgress p) {
        DiskKey key = new DiskKey(p.migrationUid(), p.vmId(), p.progress().diskId());
        Disk before = disks.get(key);
        long done = p.progress().bytesDone();
        long delta = before == null ? done : done - before.bytesDone();
        disks.put(key, new Disk(p.plan().namespace(), p.plan().name(), host(p), Math.max(done, before == null ? 0 : before.bytesDone()),
                p.progress().bytesTotal(), p.progress().bytesPerSecond(), System.nanoTime()));
        if (delta > 0) {
            Counter.builder("hoist_disk_copied").baseUnit("bytes").description("Disk bytes copied, per plan and source host")
                    .tags("namespace", p.plan().namespace(), "plan", p.plan().name(), "host", host(p)).register(registry)
                    .increment(delta);
        }
    }

    private static String host(Messages.DiskProgress p) {
        return p.host() == null ? "" : p.host();
    }

    /** Bytes moved by a migration's disks as reported live (0 when nothing was seen by this process). */
    long bytesOfMigration(String migrationUid) {
        long sum = 0;
        for (var e : disks.entrySet()) {
            if (e.getKey().migrationUid().equals(migrationUid)) {
                sum += e.getValue().bytesDone();
            }
        }
        return sum;
    }

    /** Recomputes the rate gauge (disks still running and heard from recently). */
    void refresh() {
        long now = System.nanoTime();
        Map<Tags, Double> byPlan = new HashMap<>();
        for (Disk d : disks.values()) {
            boolean running = d.bytesDone() < d.bytesTotal() && now - d.at() < STALE_NANOS;
            byPlan.merge(Tags.of("namespace", d.namespace(), "plan", d.plan(), "host", d.host()), running ? d.rate() : 0.0, Double::sum);
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        byPlan.forEach((tags, r) -> rows.add(MultiGauge.Row.of(tags, r)));
        rate.register(rows, true);
    }

    @Override
    public void close() {
        try {
            consumer.unregister();
        } catch (RuntimeException vertxAlreadyClosed) {
            // nothing left to unregister from
        }
    }
}
