package io.hoist.core.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.inventory.InventoryPublisher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The inventory of one provider and the publisher its plugin writes through. All state is guarded by
 * this object's monitor; events are handed out after the monitor is released so a listener may read
 * the inventory back without deadlock.
 */
final class ProviderInventory implements InventoryPublisher {
    static final String WORKLOADS = "workloads";
    static final String TREE = "tree";

    private final ProviderRef ref;
    private final ObjectMapper mapper;
    private final Consumer<List<InventoryEvent>> sink;
    private final CollectionTimer timer;
    /** When the running full collection began ({@link System#nanoTime()}); meaningful while {@link #seen} is set. */
    private long collectionStarted;

    private final Map<String, TreeMap<String, InventoryDocument>> collections = new TreeMap<>();
    private final TreeMap<String, InventoryDocument> workloads = new TreeMap<>();
    private final TreeMap<String, InventoryDocument> trees = new TreeMap<>();
    private InventoryPhase phase = InventoryPhase.PENDING;
    private boolean synced;
    private String failure;
    private long revision;
    /** Keys ({@code collection/id}) put during the running full collection; the rest are swept at its end. */
    private Set<String> seen;
    /**
     * Fields the platform added to documents (the validation service's {@code concerns}), by
     * {@code collection/id}, with the plugin's own content they were merged into: a re-published document
     * is compared with the plugin's content, so annotations never bump the plugin's revision.
     */
    private final Map<String, Map<String, Object>> annotations = new HashMap<>();
    private final Map<String, Map<String, Object>> published = new HashMap<>();

    /** Told how long each full collection took, and whether it ended or failed. */
    interface CollectionTimer {
        void collected(ProviderRef ref, boolean failed, long nanos);
    }

    ProviderInventory(ProviderRef ref, ObjectMapper mapper, Consumer<List<InventoryEvent>> sink, CollectionTimer timer) {
        this.ref = ref;
        this.mapper = mapper;
        this.sink = sink;
        this.timer = timer;
    }

    ProviderRef ref() {
        return ref;
    }

    // ---- publisher (called by the plugin, any thread) ----

    @Override
    public void beginCollection() {
        synchronized (this) {
            phase = InventoryPhase.COLLECTING;
            failure = null;
            seen = new HashSet<>();
            collectionStarted = System.nanoTime();
        }
    }

    @Override
    public void endCollection() {
        List<InventoryEvent> events = new ArrayList<>();
        long took = -1;
        synchronized (this) {
            if (seen != null) {
                took = System.nanoTime() - collectionStarted;
                sweep(collections, events);
                sweepOne(WORKLOADS, workloads, events);
                sweepOne(TREE, trees, events);
            }
            seen = null;
            synced = true;
            phase = InventoryPhase.READY;
            revision++;
            events.add(new InventoryEvent(InventoryEvent.Type.COLLECTED, ref.uid(), null, null, 0, revision));
        }
        if (took >= 0) {
            timer.collected(ref, false, took);
        }
        sink.accept(events);
    }

    @Override
    public void put(String collection, String id, String name, Object document) {
        requireName(collection, "collection");
        if (WORKLOADS.equals(collection) || TREE.equals(collection)) {
            throw new IllegalArgumentException("collection '" + collection
                    + "' is reserved: use putWorkload or putTree");
        }
        requireName(id, "id");
        Map<String, Object> content = toObject(document, collection + "/" + id);
        store(collection, id, name == null ? "" : name, content);
    }

    @Override
    public void remove(String collection, String id) {
        InventoryEvent event = null;
        synchronized (this) {
            TreeMap<String, InventoryDocument> docs = table(collection, false);
            InventoryDocument gone = docs == null ? null : docs.remove(id);
            if (gone != null) {
                forget(collection, id);
                revision++;
                event = new InventoryEvent(InventoryEvent.Type.DELETED, ref.uid(), collection, id, gone.revision(), revision);
            }
        }
        if (event != null) {
            sink.accept(List.of(event));
        }
    }

    @Override
    public void putWorkload(String vmId, Object workload) {
        requireName(vmId, "vmId");
        store(WORKLOADS, vmId, "", toObject(workload, "workload " + vmId));
    }

    @Override
    public void putTree(String name, Object tree) {
        requireName(name, "tree name");
        Object value = mapper.convertValue(tree, Object.class);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("tree", value);
        store(TREE, name, name, content);
    }

    @Override
    public void fail(String reason) {
        long rev;
        long took = -1;
        synchronized (this) {
            if (seen != null) {
                took = System.nanoTime() - collectionStarted;
            }
            phase = InventoryPhase.FAILED;
            failure = reason == null || reason.isBlank() ? "inventory collection failed" : reason;
            seen = null;
            rev = ++revision;
        }
        if (took >= 0) {
            timer.collected(ref, true, took);
        }
        sink.accept(List.of(new InventoryEvent(InventoryEvent.Type.FAILED, ref.uid(), null, null, 0, rev)));
    }

    // ---- reads (used by Inventory and the routes) ----

    synchronized ProviderStatus status() {
        Map<String, Integer> counts = new TreeMap<>();
        collections.forEach((name, docs) -> counts.put(name, docs.size()));
        return new ProviderStatus(ref, phase, synced, failure, revision, counts);
    }

    synchronized Optional<List<InventoryDocument>> list(String collection) {
        TreeMap<String, InventoryDocument> docs = table(collection, false);
        return docs == null ? Optional.empty() : Optional.of(List.copyOf(docs.values()));
    }

    synchronized boolean hasCollection(String collection) {
        return table(collection, false) != null;
    }

    synchronized Optional<InventoryDocument> get(String collection, String id) {
        TreeMap<String, InventoryDocument> docs = table(collection, false);
        return docs == null ? Optional.empty() : Optional.ofNullable(docs.get(id));
    }

    synchronized Optional<InventoryDocument> findByName(String collection, String name) {
        TreeMap<String, InventoryDocument> docs = table(collection, false);
        if (docs == null) {
            return Optional.empty();
        }
        return docs.values().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    // ---- internals ----

    private void store(String collection, String id, String name, Map<String, Object> content) {
        InventoryEvent event = null;
        synchronized (this) {
            TreeMap<String, InventoryDocument> docs = table(collection, true);
            if (seen != null) {
                seen.add(collection + "/" + id);
            }
            InventoryDocument old = docs.get(id);
            String key = collection + "/" + id;
            Map<String, Object> oldContent = old == null ? null : published.getOrDefault(key, old.content());
            // An unchanged document keeps its revision: re-collections must not trigger re-validation.
            if (old != null && old.name().equals(name) && oldContent.equals(content)) {
                return;
            }
            revision++;
            long docRevision = old == null ? 1 : old.revision() + 1;
            docs.put(id, new InventoryDocument(id, name, docRevision, withAnnotations(key, content)));
            event = new InventoryEvent(old == null ? InventoryEvent.Type.ADDED : InventoryEvent.Type.UPDATED,
                    ref.uid(), collection, id, docRevision, revision);
        }
        sink.accept(List.of(event));
    }

    /**
     * Sets a platform-owned field on a stored document (e.g. the validation service's {@code concerns}).
     * The document keeps its revision, so the change does not look like a new VM to the validation service;
     * an {@link InventoryEvent.Type#ANNOTATED} event tells readers such as the plan controller when the field's
     * value actually changed. The field survives re-publication. Returns false when the document does not exist.
     */
    boolean annotate(String collection, String id, String field, Object value) {
        InventoryEvent event;
        synchronized (this) {
            TreeMap<String, InventoryDocument> docs = table(collection, false);
            InventoryDocument doc = docs == null ? null : docs.get(id);
            if (doc == null) {
                return false;
            }
            String key = collection + "/" + id;
            Map<String, Object> own = published.computeIfAbsent(key, k -> doc.content());
            Object converted = mapper.convertValue(value, Object.class);
            Object previous = annotations.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(field, converted);
            docs.put(id, new InventoryDocument(id, doc.name(), doc.revision(), withAnnotations(key, own)));
            if (java.util.Objects.equals(previous, converted)) {
                return true;
            }
            event = new InventoryEvent(InventoryEvent.Type.ANNOTATED, ref.uid(), collection, id, doc.revision(), revision);
        }
        sink.accept(List.of(event));
        return true;
    }

    // Called with the lock held. Remembers the plugin's content when annotations are merged into it.
    private Map<String, Object> withAnnotations(String key, Map<String, Object> content) {
        Map<String, Object> extra = annotations.get(key);
        if (extra == null) {
            return content;
        }
        published.put(key, content);
        Map<String, Object> merged = new LinkedHashMap<>(content);
        merged.putAll(extra);
        return merged;
    }

    private void forget(String collection, String id) {
        annotations.remove(collection + "/" + id);
        published.remove(collection + "/" + id);
    }

    private TreeMap<String, InventoryDocument> table(String collection, boolean create) {
        if (WORKLOADS.equals(collection)) {
            return workloads;
        }
        if (TREE.equals(collection)) {
            return trees;
        }
        return create ? collections.computeIfAbsent(collection, c -> new TreeMap<>()) : collections.get(collection);
    }

    private void sweep(Map<String, TreeMap<String, InventoryDocument>> tables, List<InventoryEvent> events) {
        tables.forEach((name, docs) -> sweepOne(name, docs, events));
    }

    private void sweepOne(String collection, TreeMap<String, InventoryDocument> docs, List<InventoryEvent> events) {
        var it = docs.values().iterator();
        while (it.hasNext()) {
            InventoryDocument doc = it.next();
            if (!seen.contains(collection + "/" + doc.id())) {
                it.remove();
                forget(collection, doc.id());
                revision++;
                events.add(new InventoryEvent(InventoryEvent.Type.DELETED, ref.uid(), collection, doc.id(),
                        doc.revision(), revision));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toObject(Object document, String what) {
        Object value;
        try {
            value = mapper.convertValue(document, Object.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": document cannot be serialized: " + e.getMessage(), e);
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(what + ": document must be a JSON object, got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return (Map<String, Object>) value;
    }

    private static void requireName(String value, String field) {
        if (value == null || value.isBlank() || value.contains("/")) {
            throw new IllegalArgumentException(field + " must be a non-blank name without '/', got '" + value + "'");
        }
    }
}
