package io.hoist.api.source;

import io.hoist.api.inventory.InventoryPublisher;

/**
 * Optional ability: incremental inventory updates after the full collection. The host calls
 * {@link #watch} on a worker thread; it returns when {@code stop} becomes true or the connection fails.
 */
public interface WatchesInventory {
    void watch(InventoryPublisher publisher, java.util.function.BooleanSupplier stop) throws Exception;
}
