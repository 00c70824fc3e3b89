package io.hoist.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Durable store of resources, keyed by (kind, namespace, name). Objects are full Kubernetes-style
 * documents ({@code apiVersion, kind, metadata, spec, status}). The store owns {@code metadata.uid},
 * {@code generation}, {@code creationTimestamp} and {@code resourceVersion}; a write carrying a
 * {@code resourceVersion} that is not the current one fails with {@link StoreException.Conflict}.
 * A write is acknowledged only after it is durable.
 */
public interface ResourceStore extends AutoCloseable {
    Optional<ObjectNode> get(ResourceKind kind, String namespace, String name);

    /** All objects of a kind; {@code namespace} null means every namespace. Sorted by namespace, name. */
    List<ObjectNode> list(ResourceKind kind, String namespace);

    /** Creates; fails with {@link StoreException.AlreadyExists}. Returns the stored object. */
    ObjectNode create(ResourceKind kind, ObjectNode object);

    /**
     * Replaces metadata and spec (not status); bumps generation when spec changed.
     * Fails with NotFound or Conflict (when the object's resourceVersion is set and stale).
     */
    ObjectNode update(ResourceKind kind, ObjectNode object);

    /** Replaces only the status. Same concurrency rule as {@link #update}. */
    ObjectNode updateStatus(ResourceKind kind, ObjectNode object);

    /** Deletes; returns the last stored object, or empty when it did not exist. */
    Optional<ObjectNode> delete(ResourceKind kind, String namespace, String name);

    /** The largest object, as compact JSON in UTF-8, a store accepts (etcd's default request limit). */
    long MAX_OBJECT_BYTES = 1_572_864;

    /**
     * Objects found in the store that cannot be read back (left by an older version or damaged storage). Lists
     * and watches skip them; {@link #get} throws {@link StoreException.Unreadable}; {@link #delete} removes them.
     */
    default List<UnreadableObject> unreadable() {
        return List.of();
    }

    /** One object that cannot be read, and why. */
    record UnreadableObject(String kind, String namespace, String name, String reason) {}

    /** Records every write's latency ({@code hoist_store_write_duration_seconds{outcome}}) in {@code registry}. */
    default void meterWrites(io.micrometer.core.instrument.MeterRegistry registry) {}

    /** The store-wide resourceVersion counter's current value. */
    long currentVersion();

    /**
     * The oldest resourceVersion whose change a {@link #watch} can still replay; a watcher that last saw
     * a version below {@code oldestReplayableVersion() - 1} has missed events and must list again.
     * Stores that keep every change return 1.
     */
    default long oldestReplayableVersion() {
        return 1;
    }

    /**
     * Subscribes to changes of a kind (all kinds when null) after {@code sinceVersion}; events
     * before the call that are still retained are replayed first. Returns a handle to cancel.
     */
    Watch watch(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener);

    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * One change: ADDED, MODIFIED or DELETED, with the object after the change (before, for DELETED).
     * {@code itemsOnly}: a MODIFIED that only changed items of the object's list ({@link #writeItems}).
     */
    record WatchEvent(String type, ResourceKind kind, ObjectNode object, long resourceVersion, boolean itemsOnly) {
        public WatchEvent(String type, ResourceKind kind, ObjectNode object, long resourceVersion) {
            this(type, kind, object, resourceVersion, false);
        }
    }

    // ---- item lists ----
    //
    // A Plan's status.migration.vms and a Migration's status.vms grow with the plan (thousands of VM entries) and
    // change one entry at a time. The store keeps each element as its own row, keyed by its "id", so changing one
    // VM's entry costs the same whatever the plan's size. Reads (get, list, watch) return whole objects with the
    // list assembled in its order; the *WithoutItems reads are for callers that need only the object's own fields.
    // Writing an object whose body has the list replaces all its rows; a body without the list leaves them.

    /** The path of a kind's item list ({@code status.migration.vms} for a Plan), or empty for kinds without one. */
    static List<String> itemListPath(ResourceKind kind) {
        return switch (kind) {
            case PLAN -> List.of("status", "migration", "vms");
            case MIGRATION -> List.of("status", "vms");
            default -> List.of();
        };
    }

    /**
     * Writes elements of one object's item list in one durable transaction without rewriting the object: each
     * element replaces the one with its "id" or is appended. Like any change it gives the object a new
     * resourceVersion (returned) and watchers a MODIFIED event flagged {@code itemsOnly}. Fails with NotFound, writing
     * nothing, when the object does not exist; with IllegalArgumentException for a kind without an item list or an
     * element without a string "id".
     */
    String writeItems(ResourceKind kind, String namespace, String name, List<ObjectNode> items);

    /** One element of an item list as JSON text (an object whose "id" is {@code id}), written as it is. */
    record SerializedItem(String id, String json) {}

    /**
     * As {@link #writeItems}, with elements the caller serialized: a writer that keeps its elements typed serializes each
     * once, straight to text, instead of building a JSON tree for the store to serialize again. The caller guarantees
     * each text is a JSON object whose "id" is the item's id; an empty id is refused, nothing written. This default
     * parses the texts back (for stores that keep trees); the SQL stores write them as they are.
     */
    default String writeSerializedItems(ResourceKind kind, String namespace, String name, List<SerializedItem> items) {
        List<ObjectNode> trees = new java.util.ArrayList<>(items.size());
        for (SerializedItem item : items) {
            try {
                trees.add((ObjectNode) io.hoist.core.model.Resources.MAPPER.readTree(item.json()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
                throw new IllegalArgumentException("item " + item.id() + " is not a JSON object", e);
            }
        }
        return writeItems(kind, namespace, name, trees);
    }

    /** One element of an object's item list. */
    Optional<ObjectNode> item(ResourceKind kind, String namespace, String name, String id);

    /** As {@link #get}, without the item list (its cost does not grow with the list). */
    Optional<ObjectNode> getWithoutItems(ResourceKind kind, String namespace, String name);

    /**
     * As {@link #updateStatus}, returning the object without its item list (for writers that keep the list
     * themselves: reading it back would cost as much as the list is long).
     */
    ObjectNode updateStatusWithoutItems(ResourceKind kind, ObjectNode object);

    /** As {@link #list}, without item lists. */
    List<ObjectNode> listWithoutItems(ResourceKind kind, String namespace);

    /**
     * As {@link #watch}, with objects without their item lists, delivered on the writing thread. {@link #watch}
     * assembles the lists of changed objects on a thread of its own (in order), never under the write lock. The object
     * of an {@code itemsOnly} event may share its spec and status with the store's copy (its metadata is its own):
     * the listener reads them and must not change them.
     */
    Watch watchWithoutItems(ResourceKind kind, String namespace, long sinceVersion, Consumer<WatchEvent> listener);

    // ---- namespaces ----
    //
    // Namespaces are kept in the store, next to the objects they hold, so that every node sharing a store agrees on
    // which exist. Each is its metadata as Hoist keeps it (uid, creationTimestamp, labels, annotations), without name.

    /** Every stored namespace by name, sorted. */
    java.util.SortedMap<String, ObjectNode> namespaces();

    /** One stored namespace's metadata. */
    Optional<ObjectNode> namespace(String name);

    /** Stores a new namespace durably; false, writing nothing, when one of that name exists. */
    boolean createNamespace(String name, ObjectNode metadata);

    /** Replaces a namespace's metadata, storing it when missing. */
    void putNamespace(String name, ObjectNode metadata);

    /** Deletes a namespace's row (not the objects in it); false when there was none. */
    boolean deleteNamespace(String name);

    @Override
    void close();
}
