package io.hoist.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.destination.Destination;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.core.engine.run.TransferDiskCopyService;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** A real engine on a real SQLite store with in-process test-double providers, for engine tests. */
public final class EngineHarness implements AutoCloseable {
    public final Path dir;
    public final ResourceStore store;
    /** A blocked event loop is logged with its stack at once (Vert.x's default waits 5 s), so a bench shows what held it. */
    final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions()
            .setWarningExceptionTime(2).setWarningExceptionTimeUnit(java.util.concurrent.TimeUnit.SECONDS));
    final Inventory inventory = new Inventory();
    final Engine engine;
    /** The HostContext the engine handed the source provider when it created it (null until then). */
    public volatile HostContext sourceContext;
    /** What the engine's runs and copies counted (retries, checksum mismatches). */
    public final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    public EngineHarness(Path dir, SourceProvider source, Destination destination) {
        this(dir, source, destination, Duration.ofSeconds(15));
    }

    /** With the engine's level-triggered resync at {@code resync} (long, to show that events alone drive a change). */
    public EngineHarness(Path dir, SourceProvider source, Destination destination, Duration resync) {
        this(dir, source, destination, resync, true, List.of());
    }

    /** With {@code start} false the engine is built but not started: the test prepares the store first. */
    public EngineHarness(Path dir, SourceProvider source, Destination destination, Duration resync, boolean start) {
        this(dir, source, destination, resync, start, List.of());
    }

    /** With guest converters installed. */
    public EngineHarness(Path dir, SourceProvider source, Destination destination, List<io.hoist.api.convert.GuestConverter> converters) {
        this(dir, source, destination, Duration.ofSeconds(15), true, converters);
    }

    private EngineHarness(Path dir, SourceProvider source, Destination destination, Duration resync, boolean start,
                          List<io.hoist.api.convert.GuestConverter> converters) {
        this.dir = dir;
        this.store = SqliteResourceStore.open(dir.resolve("data"));
        SourceProviderFactory sf = new SourceProviderFactory() {
            @Override
            public String type() {
                return "synthetic";
            }

            @Override
            public SourceProvider create(ProviderConfig config, HostContext context) {
                sourceContext = context;
                return source;
            }
        };
        DestinationProviderFactory df = new DestinationProviderFactory() {
            @Override
            public String type() {
                return "test-folder";
            }

            @Override
            public boolean acceptsDestination(ProviderConfig config) {
                return "test-folder".equals(config.type());
            }

            @Override
            public Destination create(ProviderConfig config, HostContext context) {
                return destination;
            }
        };
        LiveSettings settings = new LiveSettings(store);
        HostServices services = new io.hoist.core.engine.runtime.InventoryHostServices(inventory, null, null, settings,
                dir.resolve("data"));
        var runMeters = new io.hoist.core.engine.run.RunMeters(meters);
        var copier = new TransferDiskCopyService(dir.resolve("data"), new BandwidthBudgets(), Executors.newSingleThreadScheduledExecutor(),
                runMeters);
        engine = new Engine(vertx, store, Extensions.of(List.of(sf), List.of(df), List.of(), converters), services, copier, runMeters);
        // Precopy rounds every 1.2 s (the setting's minimum is one minute) and quick retries: tests take seconds.
        engine.settings().precopyIntervalOverride(Duration.ofMillis(1200));
        engine.resyncEvery(resync).retryPolicy(new io.hoist.core.engine.run.RetryPolicy(4, Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofMinutes(1)));
        if (start) {
            engine.start();
        }
    }

    /** Source and destination providers and one-to-one maps for the synthetic source, in namespace default. */
    public static String providersAndMaps() {
        return """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: src, namespace: default}
                spec: {type: synthetic, url: "synthetic://", secret: {name: none, namespace: default}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: dst, namespace: default}
                spec: {type: test-folder, url: "file:///unused", secret: {name: none, namespace: default}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: default}
                spec:
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: [{source: {id: net-a}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: default}
                spec:
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: [{source: {id: ds-a}, destination: {storageClass: standard}}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: none, namespace: default}
                type: Opaque
                data: {}
                """;
    }

    public void apply(String yaml) {
        for (ObjectNode o : Manifests.parse(yaml)) {
            ResourceKind kind = ResourceKind.byKind(o.path("kind").asText()).orElseThrow();
            store.create(kind, o);
        }
    }

    public ObjectNode get(ResourceKind kind, String name) {
        return store.get(kind, "default", name).orElseThrow();
    }

    /** As {@link #get}, without the object's item list (a plan's VM entries). */
    public ObjectNode getWithoutItems(ResourceKind kind, String name) {
        return store.getWithoutItems(kind, "default", name).orElseThrow();
    }

    public static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        await(timeout, condition, () -> what);
    }

    /** As {@link #await(Duration, BooleanSupplier, String)}, describing the wait when it times out (e.g. a status then). */
    public static void await(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        engine.close();
        vertx.close();
        store.close();
    }
}
