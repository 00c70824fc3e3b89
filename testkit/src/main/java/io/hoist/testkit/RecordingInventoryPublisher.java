package io.hoist.testkit;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** How many documents collection {@code name} holds now. */
    public synchronized int count(String name) {
        return collections.getOrDefault(name, Map.of()).size();
    }

    public synchronized Map<String, Object> collection(String name) {
        return new LinkedHashMap<>(collections.getOrDefault(name, Map.of()));
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /**
     * What was published, read back as the platform's {@link InventoryView} shows one provider's inventory (the
     * provider with {@code providerUid}; others have none): for a destination that reads the source VM it migrates.
     * {@code find} matches an id or a document's {@code name}; the revision counts the calls so far.
     */
    public InventoryView view(String providerUid) {
        RecordingInventoryPublisher self = this;
        return new InventoryView() {
            @Override
            public Optional<Map<String, Object>> get(String uid, String collection, String id) {
                return uid.equals(providerUid) ? Optional.ofNullable(doc(collection, id)) : Optional.empty();
            }

            @Override
            @SuppressWarnings("unchecked")
            public Optional<Map<String, Object>> find(String uid, String collection, String idOrName) {
                return get(uid, collection, idOrName).or(() -> uid.equals(providerUid)
                        ? self.collection(collection).values().stream().map(d -> (Map<String, Object>) d)
                                .filter(d -> idOrName.equals(d.get("name"))).findFirst()
                        : Optional.empty());
            }

            @Override
            @SuppressWarnings("unchecked")
            public Optional<Map<String, Object>> workload(String uid, String vmId) {
                synchronized (self) {
                    return uid.equals(providerUid) ? Optional.ofNullable((Map<String, Object>) workloads.get(vmId)) : Optional.empty();
                }
            }

            @Override
            public long revision(String uid) {
                return calls().size();
            }
        };
    }
}
