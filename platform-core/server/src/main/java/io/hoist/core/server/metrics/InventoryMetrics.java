package io.hoist.core.server.metrics;

import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderStatus;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * Inventory object counts per provider and collection, whether each provider's inventory is synced, and how long
 * its full collections take.
 */
public final class InventoryMetrics {
    private InventoryMetrics() {}

    public static void bind(Metrics metrics, Inventory inventory) {
        inventory.meterCollections(metrics.registry());
        MultiGauge objects = MultiGauge.builder("hoist_inventory_objects")
                .description("Objects in a provider's inventory, per collection").register(metrics.registry());
        MultiGauge synced = MultiGauge.builder("hoist_inventory_synced")
                .description("1 when the provider's inventory is collected and current").register(metrics.registry());
        metrics.onScrape(() -> {
            List<MultiGauge.Row<?>> counts = new ArrayList<>();
            List<MultiGauge.Row<?>> states = new ArrayList<>();
            for (ProviderStatus p : inventory.providers(null)) {
                Tags provider = Tags.of("provider_type", p.ref().type(), "namespace", p.ref().namespace(), "provider", p.ref().name());
                p.counts().forEach((collection, n) -> counts.add(MultiGauge.Row.of(provider.and("collection", collection), n)));
                states.add(MultiGauge.Row.of(provider, p.synced() ? 1 : 0));
            }
            objects.register(counts, true);
            synced.register(states, true);
        });
    }
}
