package io.hoist.core.inventory;

import java.util.Map;

/**
 * A consistent snapshot of one provider's inventory state.
 *
 * @param synced   true once a first full collection completed; until then the routes answer 206
 * @param failure  the reason the plugin gave with {@code fail}, or null
 * @param revision the provider-wide revision, bumped on every change
 * @param counts   number of documents per collection
 */
public record ProviderStatus(ProviderRef ref, InventoryPhase phase, boolean synced, String failure, long revision,
                             Map<String, Integer> counts) {
    public ProviderStatus {
        counts = Map.copyOf(counts);
    }
}
