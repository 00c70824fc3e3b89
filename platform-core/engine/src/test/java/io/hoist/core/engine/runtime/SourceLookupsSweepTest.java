package io.hoist.core.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.source.VmRef;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void descriptionsNobodyAskedForLatelyAreDroppedWhileTheRevisionStandsStill() throws Exception {
        Inventory inventory = new Inventory();
        InventoryPublisher publisher = inventory.register(new ProviderRef("src-uid", "ns", "src", "synthetic"));
        publisher.beginCollection();
        publisher.endCollection(); // revision 1, and it never moves in this test (as the synthetic source's)
        AtomicLong now = new AtomicLong(1_000_000);
        SourceLookups lookups = new SourceLookups(Extensions.of(List.of(), List.of(), List.of(), List.of()), inventory, now::get);
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, 4096, 1, false);
        for (int i = 0; i < 3; i++) {
            assertThat(lookups.describe("src-uid", source, new VmRef("vm-" + i, null))).isPresent();
        }
        now.addAndGet(SourceLookups.DESCRIBED_IDLE_MS / 2);
        lookups.describe("src-uid", source, new VmRef("vm-1", null)); // still validated (its VM still waits)
        now.addAndGet(SourceLookups.DESCRIBED_IDLE_MS / 2 + 1);
        lookups.sweep();
        assertThat(lookups.size()).as("only the description asked for within the idle time stays").isEqualTo(1);
        int calls = source.describeCalls.get();
        lookups.describe("src-uid", source, new VmRef("vm-1", null));
        assertThat(source.describeCalls.get()).as("the kept one answers without a call").isEqualTo(calls);
        now.addAndGet(SourceLookups.DESCRIBED_IDLE_MS);
        lookups.sweep();
        assertThat(lookups.size()).isZero();
    }
}
