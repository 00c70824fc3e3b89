package io.hoist.core.inventory;

/**
 * Receives inventory changes. Called on the publishing thread after the change is visible to readers;
 * must be quick (hand heavy work to another thread). An exception is logged and does not stop delivery.
 */
@FunctionalInterface
public interface InventoryListener {
    void changed(InventoryEvent event);
}
