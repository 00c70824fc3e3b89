package io.hoist.core.server.metrics;

import io.hoist.core.engine.Engine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The engine's backpressure as gauges: disks in flight per source host, disks waiting for a slot, the per-host
 * limit in force, and VM runs active.
 */
public final class EngineMetrics {
    private EngineMetrics() {}

    public static void bind(Metrics metrics, Engine engine) {
        var registry = metrics.registry();
        Gauge.builder("hoist_disks_waiting", engine, e -> e.scheduler().waiting())
                .description("Disks waiting for a transfer slot (backpressure)").register(registry);
        Gauge.builder("hoist_disks_per_host_limit", engine, e -> e.scheduler().limit())
                .description("Concurrent disk transfers allowed per source host").register(registry);
        Gauge.builder("hoist_vm_runs_active", engine, Engine::activeRuns)
                .description("VM migrations running in this process").register(registry);
        MultiGauge inFlight = MultiGauge.builder("hoist_disks_in_flight")
                .description("Disks being transferred, per source host").register(registry);
        metrics.onScrape(() -> inFlight.register(engine.scheduler().inUseByHost().entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("host", e.getKey()), e.getValue())).toList(), true));
    }
}
