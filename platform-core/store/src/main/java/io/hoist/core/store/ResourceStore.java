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

    /** One change: ADDED, MODIFIED or DELETED, with the object after the change (before, for DELETED). */
    record WatchEvent(String type, ResourceKind kind, ObjectNode object, long resourceVersion) {}

    @Override
    void close();
}
