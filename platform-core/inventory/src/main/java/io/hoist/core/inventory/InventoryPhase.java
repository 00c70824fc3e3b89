package io.hoist.core.inventory;

/** Where a provider's inventory stands. */
public enum InventoryPhase {
    /** Registered, no collection finished yet: routes answer 206. */
    PENDING,
    /** A full collection is running. Before the first one ends, routes answer 206. */
    COLLECTING,
    /** At least one full collection completed. */
    READY,
    /** The plugin reported a failure; the reason is kept. */
    FAILED
}
