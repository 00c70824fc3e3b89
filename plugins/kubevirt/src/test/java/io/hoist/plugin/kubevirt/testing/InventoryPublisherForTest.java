package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.inventory.InventoryPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test double of the host's inventory: records what a provider publishes. */
public final class InventoryPublisherForTest implements InventoryPublisher {
    public final Map<String, Map<String, Object>> collections = new ConcurrentHashMap<>();
    public final Map<String, Object> workloads = new ConcurrentHashMap<>();
    public final List<String> events = new ArrayList<>();

    @Override
    public synchronized void beginCollection() {
        events.add("begin");
    }

    @Override
    public synchronized void endCollection() {
        events.add("end");
    }

    @Override
    public void put(String collection, String id, String name, Object document) {
        collections.computeIfAbsent(collection, c -> new ConcurrentHashMap<>()).put(id, document);
    }

    @Override
    public void remove(String collection, String id) {
        collections.getOrDefault(collection, Map.of()).remove(id);
    }

    @Override
    public void putWorkload(String vmId, Object workload) {
        workloads.put(vmId, workload);
    }

    @Override
    public void putTree(String name, Object tree) {
        collections.computeIfAbsent("tree", c -> new ConcurrentHashMap<>()).put(name, tree);
    }

    @Override
    public synchronized void fail(String reason) {
        events.add("fail: " + reason);
    }
}
