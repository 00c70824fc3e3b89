package io.hoist.core.engine.run;

import io.hoist.core.model.ResourceKind;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NetworkMap and StorageMap a Migration's VMs build their target specs from, read from the store at most once per
 * {@link #TTL_NANOS} (two seconds) per Migration instead of once per VM: thousands of VMs of one plan start within seconds and each
 * read and parse cost as much as a phase of the VM. A map edited during a run reaches the VMs that build their spec up
 * to two seconds later, as MTV's VMs see the maps of their plan's last reconcile; a new Migration always reads afresh.
 * Typed maps are shared between VMs and must not be changed.
 */
final class RecentMaps {
    static final long TTL_NANOS = 2_000_000_000L;

    /** Reads a resource of a namespace as a typed object (the loader's store read). */
    interface Reader {
        <T> Optional<T> read(ResourceKind kind, String ns, String name, Class<T> type);
    }

    private record Key(String migrationUid, ResourceKind kind, String namespace, String name) {}

    private record Read(Object value, long at) {}

    private final Reader reader;
    private final long ttlNanos;
    private final Map<Key, Read> recent = new ConcurrentHashMap<>();

    RecentMaps(Reader reader, long ttlNanos) {
        this.reader = reader;
        this.ttlNanos = ttlNanos;
    }

    /** The map, or null when it does not exist. */
    <T> T read(String migrationUid, ResourceKind kind, String ns, String name, Class<T> type) {
        long now = System.nanoTime();
        Key key = new Key(migrationUid, kind, ns, name);
        Read r = recent.get(key);
        if (r == null || now - r.at() > ttlNanos) {
            r = new Read(reader.read(kind, ns, name, type).orElse(null), now);
            recent.values().removeIf(old -> now - old.at() > ttlNanos); // a few keys per running Migration
            recent.put(key, r);
        }
        return type.cast(r.value());
    }
}
