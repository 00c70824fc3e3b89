package io.hoist.core.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The inventory service's state: every provider's published documents, in memory. Providers are
 * registered by the platform (which hands the returned publisher to the plugin); plugins never see
 * this class. Reads are safe from any thread.
 */
public final class Inventory implements InventoryView {
    private static final System.Logger LOG = System.getLogger(Inventory.class.getName());

    private final ObjectMapper mapper;
    private final Map<String, ProviderInventory> providers = new ConcurrentHashMap<>();
    private final List<InventoryListener> listeners = new CopyOnWriteArrayList<>();
    /** Where collection durations go; an empty composite (records nothing) until {@link #meterCollections}. */
    private volatile MeterRegistry meters = new CompositeMeterRegistry();

    public Inventory() {
        this(new ObjectMapper());
    }

    public Inventory(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Registers a provider and returns the publisher for its plugin. Registering a uid again (the
     * Provider changed) starts from an empty inventory, answered with 206 until its first collection ends.
     */
    public InventoryPublisher register(ProviderRef ref) {
        ProviderInventory inventory = new ProviderInventory(ref, mapper, this::fire, this::collected);
        ProviderInventory previous = providers.put(ref.uid(), inventory);
        if (previous != null) {
            fire(List.of(new InventoryEvent(InventoryEvent.Type.PROVIDER_REMOVED, ref.uid(), null, null, 0, 0)));
        }
        return inventory;
    }

    /** Drops a provider's inventory (the Provider was deleted). Returns false when it was not registered. */
    public boolean unregister(String uid) {
        if (providers.remove(uid) == null) {
            return false;
        }
        fire(List.of(new InventoryEvent(InventoryEvent.Type.PROVIDER_REMOVED, uid, null, null, 0, 0)));
        return true;
    }

    /** Records how long each provider's full collections take in {@code registry}. */
    public void meterCollections(MeterRegistry registry) {
        this.meters = registry;
    }

    private void collected(ProviderRef ref, boolean failed, long nanos) {
        Timer.builder("hoist_inventory_collection_duration")
                .description("Full inventory collections of a provider, from begin to end (or failure)")
                .tags("provider_type", ref.type(), "namespace", ref.namespace(), "provider", ref.name(),
                        "outcome", failed ? "failed" : "collected")
                // from a handful of objects to a vCenter with thousands of VMs
                .serviceLevelObjectives(Stream.of(0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
                        .map(s -> Duration.ofMillis((long) (s * 1000))).toArray(Duration[]::new))
                .register(meters).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Adds a change listener; close the returned handle to remove it. */
    public AutoCloseable addListener(InventoryListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Every registered provider, of one type or of all types (type null), by namespace and name. */
    public List<ProviderStatus> providers(String type) {
        return providers.values().stream()
                .filter(p -> type == null || p.ref().type().equals(type))
                .map(ProviderInventory::status)
                .sorted(Comparator.comparing((ProviderStatus s) -> s.ref().namespace())
                        .thenComparing(s -> s.ref().name()))
                .toList();
    }

    public Optional<ProviderStatus> provider(String uid) {
        return Optional.ofNullable(providers.get(uid)).map(ProviderInventory::status);
    }

    /** A collection's documents in id order; empty when the provider or the collection is unknown. */
    public Optional<List<InventoryDocument>> list(String uid, String collection) {
        ProviderInventory p = providers.get(uid);
        return p == null ? Optional.empty() : p.list(collection);
    }

    public Optional<InventoryDocument> document(String uid, String collection, String id) {
        ProviderInventory p = providers.get(uid);
        return p == null ? Optional.empty() : p.get(collection, id);
    }

    public Optional<InventoryDocument> documentByName(String uid, String collection, String name) {
        ProviderInventory p = providers.get(uid);
        return p == null ? Optional.empty() : p.findByName(collection, name);
    }

    public Optional<InventoryDocument> workloadDocument(String uid, String vmId) {
        return document(uid, ProviderInventory.WORKLOADS, vmId);
    }

    /**
     * Sets a platform-owned field (e.g. {@code concerns}) on a stored document without bumping its revision
     * or firing an event; the field stays when the plugin re-publishes the document. False when the
     * provider or document is unknown.
     */
    public boolean annotate(String uid, String collection, String id, String field, Object value) {
        ProviderInventory p = providers.get(uid);
        return p != null && p.annotate(collection, id, field, value);
    }

    /** A named tree's value (whatever the plugin published), or empty. */
    public Optional<Object> tree(String uid, String name) {
        return document(uid, ProviderInventory.TREE, name).map(d -> d.content().get("tree"));
    }

    // ---- InventoryView, for plugins and the engine ----

    @Override
    public Optional<Map<String, Object>> get(String providerUid, String collection, String id) {
        return document(providerUid, collection, id).map(InventoryDocuments::full);
    }

    @Override
    public Optional<Map<String, Object>> find(String providerUid, String collection, String idOrName) {
        return document(providerUid, collection, idOrName)
                .or(() -> documentByName(providerUid, collection, idOrName))
                .map(InventoryDocuments::full);
    }

    @Override
    public Optional<Map<String, Object>> workload(String providerUid, String vmId) {
        return workloadDocument(providerUid, vmId).map(InventoryDocuments::full);
    }

    /** The provider-wide revision; 0 when the provider is unknown. */
    @Override
    public long revision(String providerUid) {
        return provider(providerUid).map(ProviderStatus::revision).orElse(0L);
    }

    private void fire(List<InventoryEvent> events) {
        for (InventoryEvent event : events) {
            for (InventoryListener listener : listeners) {
                try {
                    listener.changed(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "inventory listener failed on " + event, e);
                }
            }
        }
    }
}
