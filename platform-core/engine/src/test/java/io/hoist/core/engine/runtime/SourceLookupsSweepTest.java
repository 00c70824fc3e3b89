package io.hoist.core.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.source.VmRef;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 6 (flat memory): plan validation's remembered descriptions are dropped by the engine's periodic sweep
 * once the source's inventory revision moved, without waiting for a new lookup (after a plan's run there is none, and
 * the cache held every VM's description for good).
 */
class SourceLookupsSweepTest {
    @Test
    void theSweepDropsDescriptionsOfAnOlderRevisionWithoutANewLookup() throws Exception {
        Inventory inventory = new Inventory();
        InventoryPublisher publisher = inventory.register(new ProviderRef("src-uid", "ns", "src", "synthetic"));
        publisher.beginCollection();
        publisher.endCollection(); // revision 1
        SourceLookups lookups = new SourceLookups(Extensions.of(List.of(), List.of(), List.of(), List.of()), inventory);
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, 4096, 1, false);
        for (int i = 0; i < 3; i++) {
            assertThat(lookups.describe("src-uid", source, new VmRef("vm-" + i, null))).isPresent();
        }
        lookups.sweep();
        assertThat(lookups.size()).as("descriptions of the current revision stay").isEqualTo(3);

        publisher.beginCollection();
        publisher.endCollection(); // the revision moves (a VM powered off, appeared, went)
        lookups.sweep();
        assertThat(lookups.size()).as("descriptions of the older revision, after a sweep").isZero();
    }
}
