package io.hoist.plugin.ovirt.testsupport;

import io.hoist.api.inventory.InventoryPublisher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Test double of the platform's inventory service: keeps what was published, in memory. */
public final class RecordingPublisher implements InventoryPublisher {
    public final Map<String, Map<String, Object>> collections = new ConcurrentHashMap<>();
    public final Map<String, Object> workloads = new ConcurrentHashMap<>();
    public final Map<String, Object> trees = new ConcurrentHashMap<>();
    public final AtomicInteger ended = new AtomicInteger();
    public volatile String failure;

    @Override public void beginCollection() { }
    @Override public void endCollection() { ended.incrementAndGet(); }

    @Override
    public void put(String collection, String id, String name, Object document) {
        collections.computeIfAbsent(collection, k -> new ConcurrentHashMap<>()).put(id, document);
    }

    @Override
    public void remove(String collection, String id) {
        Map<String, Object> c = collections.get(collection);
        if (c != null) {
            c.remove(id);
        }
    }

    @Override public void putWorkload(String vmId, Object workload) { workloads.put(vmId, workload); }
    @Override public void putTree(String name, Object tree) { trees.put(name, tree); }
    @Override public void fail(String reason) { failure = reason; }

    @SuppressWarnings("unchecked")
    public Map<String, Object> doc(String collection, String id) {
        return (Map<String, Object>) collections.getOrDefault(collection, Map.of()).get(id);
    }

    public int count(String collection) {
        return collections.getOrDefault(collection, Map.of()).size();
    }
}
