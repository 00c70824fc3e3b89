package io.hoist.core.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.Destination;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.HostConfig;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live plugin instances for Provider resources. An instance is rebuilt when the Provider's spec
 * or its Secret changes; each gets its own worker pool and working directory.
 */
public final class ProviderRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProviderRuntime.class.getName());

    private final Extensions extensions;
    private final HostServices services;
    private final ResourceStore store;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    /** Where sources' reports of VMs changed under a migration go (the engine's running VMs); logged until set. */
    private volatile java.util.function.BiConsumer<ProviderConfig, io.hoist.api.source.SourceVmChange> vmChanges =
            (cfg, change) -> LOG.log(System.Logger.Level.WARNING, "provider " + cfg.name() + ": VM " + change.vmId()
                    + " changed (" + change.type() + "): " + change.message());

    private static final io.hoist.api.inventory.InventoryPublisher NO_INVENTORY = new io.hoist.api.inventory.InventoryPublisher() {
        @Override public void beginCollection() { }
        @Override public void endCollection() { }
        @Override public void put(String collection, String id, String name, Object document) { }
        @Override public void remove(String collection, String id) { }
        @Override public void putWorkload(String vmId, Object workload) { }
        @Override public void putTree(String name, Object tree) { }
        @Override public void fail(String reason) { }
    };

    /** The platform services providers get (inventory, data dir, settings); hook runs use them too. */
    public HostServices services() {
        return services;
    }

    /** The extensions providers are made by (the engine asks their factories what they say of their guests). */
    public Extensions extensions() {
        return extensions;
    }

    /** Routes every provider's {@link io.hoist.api.host.HostContext#sourceVmChanges()} reports to {@code sink}. */
    public void onSourceVmChange(java.util.function.BiConsumer<ProviderConfig, io.hoist.api.source.SourceVmChange> sink) {
        this.vmChanges = Objects.requireNonNull(sink);
    }

    /** Without a store: plugins see no Host resources. */
    public ProviderRuntime(Extensions extensions, HostServices services) {
        this(extensions, services, null);
    }

    /** With the store the Host resources of each provider are read from (ResourceKind.HOST). */
    public ProviderRuntime(Extensions extensions, HostServices services, ResourceStore store) {
        this.extensions = extensions;
        this.services = services;
        this.store = store;
    }

    /**
     * One Provider's plugin objects. Either side may be null when no plugin serves it. Reference-counted: the runtime
     * holds one reference while the instance is current, each running VM one more through a {@link Lease}; a rebuilt
     * or removed instance closes when the last VM using it lets go, never under a running copy.
     */
    public static final class Instance implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicInteger refs = new java.util.concurrent.atomic.AtomicInteger(1);
        private final String fingerprint;
        private final ProviderConfig config;
        private final SourceProvider source;
        private final Destination destination;
        private final ExecutorService pool;
        private final io.hoist.api.inventory.InventoryPublisher publisher;

        Instance(String fingerprint, ProviderConfig config, SourceProvider source, Destination destination,
                 ExecutorService pool, io.hoist.api.inventory.InventoryPublisher publisher) {
            this.publisher = publisher;
            this.fingerprint = fingerprint;
            this.config = config;
            this.source = source;
            this.destination = destination;
            this.pool = pool;
        }

        public ProviderConfig config() { return config; }

        public Optional<SourceProvider> source() { return Optional.ofNullable(source); }

        public Optional<Destination> destination() { return Optional.ofNullable(destination); }

        /** The provider's named worker pool, for its blocking SDK calls. */
        public ExecutorService pool() { return pool; }

        /** The publisher handed to the plugin: the host's collection runs through the same one. */
        public io.hoist.api.inventory.InventoryPublisher publisher() { return publisher; }

        /** True once every reference was given back and the plugin objects are closed. */
        public boolean closed() {
            return refs.get() <= 0;
        }

        private boolean retain() {
            return refs.getAndUpdate(n -> n <= 0 ? n : n + 1) > 0;
        }

        /** Gives back one reference; the last one closes the plugin objects. */
        @Override
        public void close() {
            if (refs.decrementAndGet() == 0) {
                closeQuietly(source);
                closeQuietly(destination);
                pool.shutdownNow();
            }
        }

        private static void closeQuietly(AutoCloseable c) {
            if (c == null) {
                return;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing provider plugin failed: " + e.getMessage());
            }
        }
    }

    /** Builds the plugin-facing config of a Provider with its Secret's data decoded. */
    public static ProviderConfig config(ObjectNode provider, ObjectNode secretOrNull) {
        JsonNode meta = provider.path("metadata");
        JsonNode spec = provider.path("spec");
        Map<String, String> settings = new HashMap<>();
        spec.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return new ProviderConfig(meta.path("uid").asText(), meta.path("namespace").asText(),
                meta.path("name").asText(), spec.path("type").asText(), spec.path("url").asText(""),
                settings, secretData(secretOrNull));
    }

    /** A Host resource that references a provider, with its Secret (null when it has none or it is missing). */
    public record HostResource(ObjectNode host, ObjectNode secret) {}

    /** The Provider's config with the Host resources that reference it, their Secrets decoded. */
    public static ProviderConfig config(ObjectNode provider, ObjectNode secretOrNull, List<HostResource> hosts) {
        List<HostConfig> out = new ArrayList<>();
        for (HostResource h : hosts) {
            JsonNode spec = h.host().path("spec");
            out.add(new HostConfig(spec.path("id").asText(""), spec.path("name").asText(""),
                    spec.path("ipAddress").asText(""), secretData(h.secret())));
        }
        return config(provider, secretOrNull).withHosts(out);
    }

    /** The Host resources whose spec.provider is this Provider, in a stable order (namespace, name). */
    public List<HostResource> hostsOf(ObjectNode provider) {
        if (store == null) {
            return List.of();
        }
        List<HostResource> out = new ArrayList<>();
        for (ObjectNode h : hostsReferencing(store, provider)) {
            String hostNs = h.path("metadata").path("namespace").asText();
            ObjectNode secret = null;
            JsonNode secretRef = h.path("spec").path("secret");
            if (secretRef.hasNonNull("name")) {
                String secretNs = secretRef.path("namespace").asText(hostNs);
                secret = store.get(ResourceKind.SECRET, secretNs.isEmpty() ? hostNs : secretNs,
                        secretRef.path("name").asText()).orElse(null);
            }
            out.add(new HostResource(h, secret));
        }
        return out;
    }

    /**
     * The Host resources in {@code store} whose spec.provider is {@code provider} (a reference without a namespace
     * means the Host's own), in a stable order (namespace, name).
     */
    public static List<ObjectNode> hostsReferencing(ResourceStore store, ObjectNode provider) {
        String ns = provider.path("metadata").path("namespace").asText();
        String name = provider.path("metadata").path("name").asText();
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode h : store.list(ResourceKind.HOST, null)) {
            String hostNs = h.path("metadata").path("namespace").asText();
            JsonNode ref = h.path("spec").path("provider");
            String refNs = ref.path("namespace").asText("");
            if (name.equals(ref.path("name").asText()) && ns.equals(refNs.isEmpty() ? hostNs : refNs)) {
                out.add(h);
            }
        }
        out.sort(Comparator.comparing((ObjectNode h) -> h.path("metadata").path("namespace").asText())
                .thenComparing(h -> h.path("metadata").path("name").asText()));
        return out;
    }

    /** Secret {@code data} (base64) and {@code stringData}, decoded. */
    public static Map<String, String> secretData(ObjectNode secret) {
        Map<String, String> out = new HashMap<>();
        if (secret == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = secret.path("data").fields(); it.hasNext(); ) {
            var e = it.next();
            try {
                out.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException bad) {
                // Admission refuses non-base64 data; an old stored value is skipped rather than leaked in an error.
            }
        }
        secret.path("stringData").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /**
     * Returns the instance for this Provider, creating or rebuilding it when spec or secret changed.
     * Throws {@link HoistException} USER_ERROR when no installed plugin serves the provider.
     */
    public Instance ensure(ObjectNode provider, ObjectNode secretOrNull) {
        List<HostResource> hosts = hostsOf(provider);
        ProviderConfig cfg = config(provider, secretOrNull, hosts);
        StringBuilder fingerprint = new StringBuilder(provider.path("metadata").path("generation").asText() + "/"
                + (secretOrNull == null ? "-" : secretOrNull.path("metadata").path("resourceVersion").asText()));
        // a Host added, changed or removed (or its Secret changed) rebuilds the plugin with the new hosts
        for (HostResource h : hosts) {
            fingerprint.append('/').append(h.host().path("metadata").path("uid").asText()).append(':')
                    .append(h.host().path("metadata").path("generation").asText()).append(':')
                    .append(h.secret() == null ? "-" : h.secret().path("metadata").path("resourceVersion").asText());
        }
        return ensure(cfg, fingerprint.toString());
    }

    /** A running VM's hold on a provider instance: the instance stays open until every lease is closed. */
    public static final class Lease implements AutoCloseable {
        private final Instance instance;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        private Lease(Instance instance) {
            this.instance = instance;
        }

        public Instance instance() {
            return instance;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                instance.close();
            }
        }
    }

    /** Like {@link #ensure(ObjectNode, ObjectNode)}, holding the instance open until the lease is closed. */
    public Lease acquire(ObjectNode provider, ObjectNode secretOrNull) {
        for (int attempt = 0; ; attempt++) {
            Instance i = ensure(provider, secretOrNull);
            if (i.retain()) {
                return new Lease(i);
            }
            if (attempt > 10) { // rebuilt and released over and over meanwhile: the provider is being edited
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ProviderChanging",
                        "provider " + i.config().name() + " changed while it was being used; retrying");
            }
        }
    }

    private final Map<String, Object> creating = new ConcurrentHashMap<>();

    private Instance ensure(ProviderConfig cfg, String fingerprint) {
        // One creation per provider at a time: two first uses must not build two instances (the loser would close
        // the winner's plugin objects while a VM uses them).
        synchronized (creating.computeIfAbsent(cfg.uid(), k -> new Object())) {
            Instance current = instances.get(cfg.uid());
            if (current != null && current.fingerprint.equals(fingerprint)) {
                return current;
            }
            Instance created = create(cfg, fingerprint);
            Instance previous = instances.put(cfg.uid(), created);
            if (previous != null) {
                previous.close(); // the runtime's reference; VMs holding a lease keep it open until they finish
            }
            return created;
        }
    }

    public Optional<Instance> get(String uid) {
        return Optional.ofNullable(instances.get(uid));
    }

    public void remove(String uid, String type) {
        Instance i = instances.remove(uid);
        if (i != null) {
            i.close();
        }
        services.dropInventory(type, uid);
    }

    /** Static checks from every factory that accepts this provider (UrlNotValid, SecretNotValid, ...). */
    public List<Condition> validate(ProviderConfig cfg) {
        List<Condition> out = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<String> destinations = new ArrayList<>();
        for (SourceProviderFactory f : extensions.sourceFactories()) {
            if (call(f, () -> f.acceptsSource(cfg))) {
                sources.add(f.getClass().getName());
                out.addAll(call(f, () -> f.validate(cfg)));
            }
        }
        for (DestinationProviderFactory f : extensions.destinationFactories()) {
            if (call(f, () -> f.acceptsDestination(cfg))) {
                destinations.add(f.getClass().getName());
                out.addAll(call(f, () -> f.validate(cfg)));
            }
        }
        // Two installed plugins claiming one provider would make the choice depend on load order: say so.
        for (List<String> claims : List.of(sources, destinations)) {
            if (claims.size() > 1) {
                out.add(new Condition("TypeNotValid", "True", "PluginsConflict", Condition.Category.Critical,
                        "providers of type '" + cfg.type() + "' are claimed by more than one installed plugin: " + claims
                                + "; remove all but one"));
            }
        }
        return out;
    }

    private Instance create(ProviderConfig cfg, String fingerprint) {
        // Virtual threads: a provider's blocking SDK calls cost no platform thread each.
        ExecutorService pool = io.hoist.core.engine.Threads.virtualPerTask("provider-" + cfg.type() + "-" + cfg.name());
        Path workDir = services.dataDir().resolve("providers").resolve(cfg.uid());
        try {
            Files.createDirectories(workDir);
        } catch (Exception e) {
            pool.shutdownNow();
            throw new HoistException(HoistException.Type.INTERNAL, "WorkDir", "cannot create " + workDir + ": " + e.getMessage());
        }
        boolean isSource = extensions.sourceFactories().stream().anyMatch(f -> call(f, () -> f.acceptsSource(cfg)));
        // Only sources have an inventory; a destination-only provider must not show up as "collecting".
        io.hoist.api.inventory.InventoryPublisher publisher = isSource ? services.publisher(cfg.type(), cfg.uid(), cfg.namespace(), cfg.name()) : NO_INVENTORY;
        ProviderHostContext ctx = new ProviderHostContext(services, publisher, workDir,
                pool, "hoist.provider." + cfg.type(), change -> vmChanges.accept(cfg, change));
        SourceProvider source = null;
        Destination destination = null;
        for (SourceProviderFactory f : extensions.sourceFactories()) {
            if (call(f, () -> f.acceptsSource(cfg))) {
                source = call(f, () -> f.create(cfg, ctx));
                break;
            }
        }
        for (DestinationProviderFactory f : extensions.destinationFactories()) {
            if (call(f, () -> f.acceptsDestination(cfg))) {
                destination = call(f, () -> f.create(cfg, ctx));
                break;
            }
        }
        if (source == null && destination == null) {
            pool.shutdownNow();
            throw new HoistException(HoistException.Type.USER_ERROR, "ProviderTypeNotSupported",
                    "no installed plugin serves providers of type '" + cfg.type() + "'" + (cfg.url().isEmpty() ? "" : " with url " + cfg.url()));
        }
        return new Instance(fingerprint, cfg, source, destination, pool, publisher);
    }

    private <T> T call(Object ext, Extensions.PluginCall<T> c) {
        try {
            return extensions.call(ext, c);
        } catch (HoistException e) {
            throw e;
        } catch (Exception e) {
            throw new HoistException(HoistException.Type.INTERNAL, "PluginError",
                    ext.getClass().getName() + ": " + Objects.toString(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }

    @Override
    public void close() {
        instances.values().forEach(Instance::close);
        instances.clear();
    }
}
