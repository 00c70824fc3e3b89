package io.hoist.core.engine.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.HoistException;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.WatchesInventory;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.store.ResourceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Connects each Provider through its plugin, reports the connection and inventory conditions, and
 * runs the inventory collection (then incremental watching when the plugin can) in the background.
 */
public final class ProviderController {
    private static final System.Logger LOG = System.getLogger(ProviderController.class.getName());

    private final ResourceStore store;
    private final ProviderRuntime providers;
    private final Extensions extensions;
    private final HostServices services;
    private final Consumer<String> onInventoryReady;
    private final Map<ProviderRuntime.Instance, CompletableFuture<Void>> collections = new WeakHashMap<>();

    /** @param onInventoryReady called with the provider uid when a collection completes */
    public ProviderController(ResourceStore store, ProviderRuntime providers, Extensions extensions, HostServices services,
                              Consumer<String> onInventoryReady) {
        this.store = store;
        this.providers = providers;
        this.extensions = extensions;
        this.services = services;
        this.onInventoryReady = onInventoryReady;
    }

    /** The conditions and phase the provider should show now. */
    public record Outcome(String phase, List<Condition> conditions) {}

    public Outcome reconcile(ObjectNode provider) {
        ObjectNode secret = secretOf(provider);
        ProviderConfig cfg = ProviderRuntime.config(provider, secret);
        List<Condition> out = new ArrayList<>();
        var secretRef = provider.path("spec").path("secret");
        if (secretRef.hasNonNull("name") && secret == null) {
            out.add(Condition.of("SecretNotValid", Condition.TRUE, Condition.CATEGORY_CRITICAL, "NotFound",
                    "Secret " + secretRef.path("namespace").asText(cfg.namespace()) + "/" + secretRef.path("name").asText() + " not found."));
            return new Outcome("ValidationFailed", out);
        }
        for (io.hoist.api.Condition c : providers.validate(cfg)) {
            out.add(convert(c));
        }
        if (out.stream().anyMatch(ProviderController::blocking)) {
            return new Outcome("ValidationFailed", out);
        }
        ProviderRuntime.Instance instance;
        try {
            instance = providers.ensure(provider, secret);
        } catch (HoistException e) {
            out.add(Condition.of("TypeNotValid", Condition.TRUE, Condition.CATEGORY_CRITICAL, e.code(), e.getMessage()));
            return new Outcome("ValidationFailed", out);
        }
        List<io.hoist.api.Condition> tested = new ArrayList<>();
        try {
            if (instance.source().isPresent()) {
                SourceProvider s = instance.source().get();
                tested.addAll(extensions.call(s, s::testConnection));
            } else {
                var d = instance.destination().get();
                tested.addAll(extensions.call(d, d::testConnection));
            }
        } catch (Exception e) {
            tested.add(io.hoist.api.Condition.isTrue("ConnectionTestFailed", "Failed", io.hoist.api.Condition.Category.Critical,
                    e.getMessage()));
        }
        tested.forEach(c -> out.add(convert(c)));
        boolean connected = tested.stream().anyMatch(c -> "ConnectionTestSucceeded".equals(c.type()) && "True".equals(c.status()));
        if (!connected) {
            if (out.stream().noneMatch(c -> "ConnectionTestSucceeded".equals(c.type))) {
                out.add(Condition.of("ConnectionTestSucceeded", Condition.FALSE, Condition.CATEGORY_CRITICAL, "Failed",
                        "Connection test failed."));
            }
            return new Outcome("ConnectionFailed", out);
        }
        String phase = "Ready";
        if (instance.source().isPresent()) {
            CompletableFuture<Void> collection = collect(instance);
            if (!collection.isDone()) {
                out.add(Condition.of("InventoryCreated", Condition.FALSE, Condition.CATEGORY_ADVISORY, "Collecting",
                        "The inventory is being collected."));
                return new Outcome("Staging", out);
            }
            if (collection.isCompletedExceptionally()) {
                String why = collection.handle((v, e) -> e == null ? "" : rootMessage(e)).join();
                out.add(Condition.of("InventoryCreated", Condition.FALSE, Condition.CATEGORY_CRITICAL, "Failed",
                        "Inventory collection failed: " + why));
                return new Outcome("ConnectionFailed", out);
            }
            out.add(Condition.of("InventoryCreated", Condition.TRUE, Condition.CATEGORY_REQUIRED, "Completed",
                    "The inventory has been loaded."));
        }
        if (out.stream().noneMatch(ProviderController::blocking)) {
            out.add(Condition.of("Ready", Condition.TRUE, Condition.CATEGORY_REQUIRED, "Ready", "The provider is ready."));
        } else {
            phase = "ValidationFailed";
        }
        return new Outcome(phase, out);
    }

    private synchronized CompletableFuture<Void> collect(ProviderRuntime.Instance instance) {
        CompletableFuture<Void> existing = collections.get(instance);
        if (existing != null) {
            return existing;
        }
        SourceProvider source = instance.source().get();
        ProviderConfig cfg = instance.config();
        InventoryPublisher publisher = instance.publisher();
        CompletableFuture<Void> done = new CompletableFuture<>();
        collections.put(instance, done);
        instance.pool().execute(() -> {
            try {
                publisher.beginCollection();
                extensions.call(source, () -> {
                    source.collectInventory(publisher);
                    return null;
                });
                publisher.endCollection();
                done.complete(null);
            } catch (Throwable t) {
                publisher.fail(rootMessage(t));
                done.completeExceptionally(t);
            }
            onInventoryReady.accept(cfg.uid());
            if (done.isDone() && !done.isCompletedExceptionally() && source instanceof WatchesInventory w) {
                try {
                    extensions.call(source, () -> {
                        w.watch(publisher, () -> Thread.currentThread().isInterrupted() || instance.closed()
                                || providers.get(cfg.uid()).orElse(null) != instance);
                        return null;
                    });
                } catch (Throwable t) {
                    // A provider rebuilt or the platform stopping ends its watch on purpose: not worth a warning.
                    boolean onPurpose = instance.closed() || Thread.currentThread().isInterrupted()
                            || providers.get(cfg.uid()).orElse(null) != instance;
                    LOG.log(onPurpose ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                            "inventory watch of provider " + cfg.name() + " ended: " + rootMessage(t));
                }
            }
        });
        return done;
    }

    private ObjectNode secretOf(ObjectNode provider) {
        var secretRef = provider.path("spec").path("secret");
        if (!secretRef.hasNonNull("name")) {
            return null;
        }
        String ns = secretRef.path("namespace").asText(provider.path("metadata").path("namespace").asText());
        return store.get(ResourceKind.SECRET, ns.isEmpty() ? provider.path("metadata").path("namespace").asText() : ns,
                secretRef.path("name").asText()).orElse(null);
    }

    private static boolean blocking(Condition c) {
        return Condition.TRUE.equals(c.status) && (Condition.CATEGORY_CRITICAL.equals(c.category) || Condition.CATEGORY_ERROR.equals(c.category))
                || "ConnectionTestSucceeded".equals(c.type) && Condition.FALSE.equals(c.status);
    }

    static Condition convert(io.hoist.api.Condition c) {
        return Condition.of(c.type(), c.status(), c.category() == null ? Condition.CATEGORY_ADVISORY : c.category().name(),
                c.reason(), c.message());
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c.getMessage() == null)) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
