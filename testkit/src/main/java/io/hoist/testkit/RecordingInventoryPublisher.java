package io.hoist.testkit;

import io.hoist.api.inventory.InventoryPublisher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test double of the host's InventoryPublisher: keeps what was published, in memory, and logs every call. */
public class RecordingInventoryPublisher implements InventoryPublisher {
    public final Map<String, Map<String, Object>> collections = new LinkedHashMap<>();
    public final Map<String, Object> workloads = new LinkedHashMap<>();
    public final Map<String, Object> trees = new LinkedHashMap<>();
    /** Every call in order: {@code begin}, {@code put vms/<id>}, {@code remove ...}, {@code workload <id>}, {@code end}, {@code fail}. */
    public final List<String> calls = new ArrayList<>();
    public String failure;

    @Override
    public synchronized void beginCollection() {
        calls.add("begin");
    }

    @Override
    public synchronized void endCollection() {
        calls.add("end");
    }

    @Override
    public synchronized void put(String collection, String id, String name, Object document) {
        calls.add("put " + collection + "/" + id);
        collections.computeIfAbsent(collection, k -> new LinkedHashMap<>()).put(id, document);
    }

    @Override
    public synchronized void remove(String collection, String id) {
        calls.add("remove " + collection + "/" + id);
        Map<String, Object> c = collections.get(collection);
        if (c != null) {
            c.remove(id);
        }
    }

    @Override
    public synchronized void putWorkload(String vmId, Object workload) {
        calls.add("workload " + vmId);
        workloads.put(vmId, workload);
    }

    @Override
    public synchronized void putTree(String name, Object tree) {
        calls.add("tree " + name);
        trees.put(name, tree);
    }

    @Override
    public synchronized void fail(String reason) {
        calls.add("fail");
        failure = reason;
    }

    @SuppressWarnings("unchecked")
    public synchronized Map<String, Object> doc(String collection, String id) {
        return (Map<String, Object>) collections.getOrDefault(collection, Map.of()).get(id);
    }

    public synchronized Map<String, Object> collection(String name) {
        return new LinkedHashMap<>(collections.getOrDefault(name, Map.of()));
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
