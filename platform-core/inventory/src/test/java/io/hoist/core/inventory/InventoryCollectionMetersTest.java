package io.hoist.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.inventory.InventoryPublisher;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A provider's full collections are timed from begin to end (or failure), per provider; partial updates are not. */
class InventoryCollectionMetersTest {
    @Test
    void fullCollectionsAreTimedPerProviderAndOutcome() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Inventory inventory = new Inventory();
        inventory.meterCollections(meters);
        InventoryPublisher vc = inventory.register(new ProviderRef("uid-1", "demo", "vcenter", "vsphere"));

        vc.beginCollection();
        vc.put("vms", "vm-1", "web-01", Map.of("name", "web-01"));
        Thread.sleep(20);
        vc.endCollection();
        Timer collected = meters.get("hoist_inventory_collection_duration")
                .tags("provider_type", "vsphere", "namespace", "demo", "provider", "vcenter", "outcome", "collected").timer();
        assertThat(collected.count()).isEqualTo(1);
        assertThat(collected.totalTime(TimeUnit.MILLISECONDS)).as("the collection's time, begin to end").isGreaterThanOrEqualTo(20);

        // an update between collections (a watch event) is not a collection
        vc.put("vms", "vm-2", "web-02", Map.of("name", "web-02"));
        vc.endCollection();
        assertThat(collected.count()).isEqualTo(1);

        vc.beginCollection();
        vc.fail("vCenter went away");
        assertThat(meters.get("hoist_inventory_collection_duration").tag("outcome", "failed").timer().count()).isEqualTo(1);
        assertThat(collected.count()).isEqualTo(1);
    }
}
