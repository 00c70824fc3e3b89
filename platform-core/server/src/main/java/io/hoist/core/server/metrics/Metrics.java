package io.hoist.core.server.metrics;

import io.hoist.core.store.ResourceStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The platform's metrics: one Micrometer Prometheus registry holding MTV's migration metrics
 * ({@link MigrationMetrics}), Hoist's own ({@code hoist_*}), Vert.x's (HTTP server, event bus, pools) and the
 * JVM's. {@link #scrape()} is what {@code GET /metrics} serves.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private MigrationMetrics migrations;
    private TransferMetrics transfers;
    private final java.util.List<Runnable> refreshers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Metrics() {
        // Two of Micrometer's JVM meters break Prometheus' naming rules (promtool check metrics): the CPU time in
        // "ns" (process_cpu_usage says the same) and a gauge ending in _count.
        registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A Vert.x instance reporting its HTTP server, event bus and pool metrics into this registry. */
    public Vertx newVertx() {
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /**
     * As {@link #newVertx()}, joined to the other nodes' event buses through {@code settings}' Hazelcast cluster
     * (blocks until joined, at most {@code timeout}).
     */
    public Vertx newClusteredVertx(io.hoist.core.cluster.ClusterSettings settings, java.time.Duration timeout) throws Exception {
        VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
        return Vertx.builder()
                .with(io.hoist.core.cluster.ClusteredVertx.eventBus(options, settings))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .withClusterManager(io.hoist.core.cluster.ClusteredVertx.clusterManager(settings))
                .buildClustered().toCompletionStage().toCompletableFuture()
                .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Starts deriving MTV's metrics from the store and transfer figures from the engine's bus, and times the
     * store's writes.
     */
    public synchronized void observe(ResourceStore store, Vertx vertx) {
        store.meterWrites(registry);
        transfers = new TransferMetrics(registry, vertx);
        migrations = new MigrationMetrics(registry, store, transfers::bytesOfMigration);
    }

    /**
     * Brings the derived metrics up to date and renders the Prometheus text format. Reads the store: call it off
     * the event loop.
     */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /** Runs before every scrape, to bring multi-row gauges up to date. */
    public void onScrape(Runnable refresher) {
        refreshers.add(refresher);
    }

    /** Re-derives the store-based metrics now (the scrape does it too). */
    public synchronized void refresh() {
        refreshers.forEach(Runnable::run);
        if (migrations != null) {
            transfers.refresh();
            migrations.refresh();
        }
    }

    @Override
    public synchronized void close() {
        if (transfers != null) {
            transfers.close();
        }
        gc.close();
        registry.close();
    }
}
