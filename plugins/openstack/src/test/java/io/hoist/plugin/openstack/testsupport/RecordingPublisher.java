package io.hoist.plugin.openstack.testsupport;

import io.hoist.api.inventory.InventoryPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double of the platform's inventory service: keeps what was published, and each put, in memory. */
public final class RecordingPublisher implements InventoryPublisher {
    public final Map<String, Map<String, Object>> collections = new ConcurrentHashMap<>();
    public final Map<String, Object> workloads = new ConcurrentHashMap<>();
    /** "collection/id" of every put since the last {@link #clearPuts()}. */
    public final List<String> puts = new CopyOnWriteArrayList<>();
    public volatile int ended;
    public volatile String failure;

    @Override public void beginCollection() { }
    @Override public void endCollection() { ended++; }

    @Override
    public void put(String collection, String id, String name, Object document) {
        collections.computeIfAbsent(collection, k -> new ConcurrentHashMap<>()).put(id, document);
        puts.add(collection + "/" + id);
    }

    @Override
    public void remove(String collection, String id) {
        Map<String, Object> c = collections.get(collection);
        if (c != null) {
            c.remove(id);
        }
    }

    @Override public void putWorkload(String vmId, Object workload) { workloads.put(vmId, workload); puts.add("workloads/" + vmId); }
    @Override public void putTree(String name, Object tree) { }
    @Override public void fail(String reason) { failure = reason; }

    public void clearPuts() {
        puts.clear();
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> doc(String collection, String id) {
        return (Map<String, Object>) collections.getOrDefault(collection, Map.of()).get(id);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> workload(String id) {
        return (Map<String, Object>) workloads.get(id);
    }
}
