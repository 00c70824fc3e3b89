package io.hoist.core.server.metrics;

import io.hoist.core.engine.Engine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The engine's backpressure as gauges: disks in flight and disks waiting for a slot per source host, the per-host
 * limit in force, and VM runs active.
 */
public final class EngineMetrics {
    private EngineMetrics() {}

    public static void bind(Metrics metrics, Engine engine) {
        var registry = metrics.registry();
        Gauge.builder("hoist_disks_per_host_limit", engine, e -> e.scheduler().limit())
                .description("Concurrent disk transfers allowed per source host").register(registry);
        Gauge.builder("hoist_vm_runs_active", engine, Engine::activeRuns)
                .description("VM migrations running in this process").register(registry);
        MultiGauge inFlight = MultiGauge.builder("hoist_disks_in_flight")
                .description("Disks being transferred, per source host").register(registry);
        MultiGauge waiting = MultiGauge.builder("hoist_disks_waiting")
                .description("Disks waiting for a transfer slot, per source host (backpressure)").register(registry);
        metrics.onScrape(() -> {
            // one row per host busy or queued, 0 where it has none of the two: the series do not blink
            Map<String, Integer> busy = engine.scheduler().inUseByHost();
            Map<String, Integer> queued = engine.scheduler().waitingByHost();
            Set<String> hosts = new TreeSet<>(busy.keySet());
            hosts.addAll(queued.keySet());
            inFlight.register(rows(hosts, busy), true);
            waiting.register(rows(hosts, queued), true);
        });
    }

    private static List<MultiGauge.Row<?>> rows(Set<String> hosts, Map<String, Integer> values) {
        return hosts.stream().<MultiGauge.Row<?>>map(h -> MultiGauge.Row.of(Tags.of("host", h), values.getOrDefault(h, 0))).toList();
    }
}
