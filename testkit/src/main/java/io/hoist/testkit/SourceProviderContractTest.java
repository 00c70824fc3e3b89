package io.hoist.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.Snapshots;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.source.WatchesInventory;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine relies on from every source provider, as one abstract JUnit 5 test. A provider runs it by
 * extending it in its own test tree against a real (or simulated) source it sets up there:
 *
 * <pre>{@code
 * class OvirtSourceContractTest extends SourceProviderContractTest {
 *     @BeforeAll static void startEngineSimulator() { ... }            // your source, your way
 *     protected Set<Capability> capabilities() { return EnumSet.of(Capability.COLD, Capability.SNAPSHOTS); }
 *     protected SourceProvider openProvider(HostContextTestDouble host) {
 *         return new OvirtProviderFactory().create(config(), host.withHttp(...));  // as the platform creates it
 *     }
 *     protected VmRef knownVm() { return new VmRef(null, "vm-with-a-disk"); }
 * }
 * }</pre>
 *
 * Declare only the capabilities the provider really has: each one turns on the checks of what the engine does with
 * it (warm migration needs SNAPSHOTS and uses CHANGED_AREAS for deltas; INVENTORY_WATCH keeps the inventory live).
 * A capability the provider implements but does not declare is reported as a failure too, so the declaration stays
 * true; a test of an undeclared capability checks that the provider indeed refuses it (nothing is skipped). Every
 * test gets a fresh provider and closes it.
 */
public abstract class SourceProviderContractTest {
    /** What a source can do, beyond describing VMs and reading their disks. */
    public enum Capability {
        /** Disks can be read while the VM is off (every source the engine can migrate cold). */
        COLD,
        /** {@link Snapshots}: warm migration. */
        SNAPSHOTS,
        /** {@link ChangedAreas}: warm deltas copy only what changed. */
        CHANGED_AREAS,
        /** {@link WatchesInventory}: the inventory follows changes without a full collection. */
        INVENTORY_WATCH
    }

    @TempDir
    protected Path contractWorkDir;

    /** The capabilities this provider has; see {@link Capability}. */
    protected abstract Set<Capability> capabilities();

    /** A new provider over the test's source, created the way the platform creates it (through its factory). */
    protected abstract SourceProvider openProvider(HostContextTestDouble host) throws Exception;

    /** A VM of the test's source with at least one disk of at least one byte. */
    protected abstract VmRef knownVm();

    /** A VM the source does not have. */
    protected VmRef unknownVm() {
        return new VmRef("hoist-contract-no-such-vm", "hoist-contract-no-such-vm");
    }

    private SourceProvider open() throws Exception {
        return openProvider(new HostContextTestDouble(contractWorkDir));
    }

    @Test
    void declaredCapabilitiesMatchWhatTheProviderImplements() throws Exception {
        try (SourceProvider p = open()) {
            assertThat(p instanceof Snapshots).as("implements Snapshots <=> declares SNAPSHOTS")
                    .isEqualTo(capabilities().contains(Capability.SNAPSHOTS));
            assertThat(p instanceof ChangedAreas).as("implements ChangedAreas <=> declares CHANGED_AREAS")
                    .isEqualTo(capabilities().contains(Capability.CHANGED_AREAS));
            assertThat(p instanceof WatchesInventory).as("implements WatchesInventory <=> declares INVENTORY_WATCH")
                    .isEqualTo(capabilities().contains(Capability.INVENTORY_WATCH));
        }
    }

    @Test
    void connectionTestSucceedsAgainstTheTestSource() throws Exception {
        try (SourceProvider p = open()) {
            List<Condition> conditions = p.testConnection();
            assertThat(conditions).as("conditions").anySatisfy(c -> {
                assertThat(c.type()).isEqualTo("ConnectionTestSucceeded");
                assertThat(c.status()).isEqualTo("True");
            });
        }
    }

    @Test
    void aCollectionIsBracketedAndPublishesTheKnownVm() throws Exception {
        RecordingInventoryPublisher pub = new RecordingInventoryPublisher();
        SourceVm vm;
        try (SourceProvider p = open()) {
            p.collectInventory(pub);
            vm = p.describe(knownVm()).orElseThrow();
        }
        List<String> calls = pub.calls();
        assertThat(pub.failure).as("collection failure").isNull();
        assertThat(calls).as("calls").isNotEmpty();
        assertThat(calls.get(0)).isEqualTo("begin");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("end");
        assertThat(pub.collection("vms")).as("published VMs").containsKey(vm.id());
    }

    @Test
    void describeFindsTheKnownVmByIdAndByNameAndNotAnUnknownOne() throws Exception {
        try (SourceProvider p = open()) {
            SourceVm vm = p.describe(knownVm()).orElseThrow(() -> new AssertionError("known VM " + knownVm() + " not found"));
            assertThat(vm.id()).isNotBlank();
            assertThat(vm.name()).isNotBlank();
            assertThat(p.describe(new VmRef(vm.id(), null))).as("by id").hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(vm.id()));
            assertThat(p.describe(new VmRef(null, vm.name()))).as("by name").hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(vm.id()));
            assertThat(p.describe(unknownVm())).as("unknown VM").isEmpty();
            assertThat(vm.disks()).as("disks of the known VM").isNotEmpty();
            for (SourceDisk d : vm.disks()) {
                assertThat(d.id()).isNotBlank();
                assertThat(d.capacity()).as("capacity of " + d.id()).isPositive();
            }
            assertThat(p.powerState(vm)).isNotNull();
        }
    }

    @Test
    void coldDisksReadAsTheirCapacityWithExtentsCoveringThemInOrder() throws Exception {
        try (SourceProvider p = open()) {
            SourceVm vm = p.describe(knownVm()).orElseThrow();
            if (!capabilities().contains(Capability.COLD)) {
                assertThatThrownBy(() -> p.openDisk(vm, vm.disks().get(0), null).close())
                        .as("a source without COLD refuses to open a live disk")
                        .isInstanceOfSatisfying(HoistException.class, e -> assertThat(e.type()).isEqualTo(HoistException.Type.NOT_SUPPORTED));
                return;
            }
            // As the engine does before a cold copy: the source is powered off first, and on again afterwards.
            boolean wasOn = p.powerState(vm) == PowerState.ON;
            if (wasOn) {
                p.powerOff(vm);
                long end = System.nanoTime() + 60_000_000_000L;
                while (p.powerState(vm) != PowerState.OFF) {
                    assertThat(System.nanoTime()).as("the source powered off within 60 s").isLessThan(end);
                    Thread.sleep(200);
                }
            }
            try {
                for (SourceDisk d : vm.disks()) {
                    try (DiskReader r = p.openDisk(vm, d, null)) {
                        checkReader(r, d);
                    }
                }
            } finally {
                if (wasOn) {
                    p.powerOn(vm);
                }
            }
        }
    }

    @Test
    void snapshotsCanBeTakenReadAndRemoved() throws Exception {
        try (SourceProvider p = open()) {
            if (!capabilities().contains(Capability.SNAPSHOTS)) {
                assertThat(p).as("without SNAPSHOTS the engine refuses warm plans: the provider must not offer them")
                        .isNotInstanceOf(Snapshots.class);
                return;
            }
            Snapshots s = (Snapshots) p;
            SourceVm vm = p.describe(knownVm()).orElseThrow();
            SnapshotRef first = s.createSnapshot(vm, "hoist contract test");
            assertThat(first.id()).isNotBlank();
            try {
                SourceDisk d = vm.disks().get(0);
                try (DiskReader r = p.openDisk(vm, d, first)) {
                    checkReader(r, d);
                }
                if (capabilities().contains(Capability.CHANGED_AREAS)) {
                    // As the engine does: a snapshot's areas are read before the next one is taken (an oVirt VM has
                    // one backup open at a time; taking the next one closes the previous one)
                    List<Extent> all = ((ChangedAreas) p).changedAreas(vm, d, null, first);
                    assertThat(all).as("allocated areas of a first snapshot").isNotNull();
                    SnapshotRef second = s.createSnapshot(vm, "hoist contract test 2");
                    try {
                        List<Extent> changed = ((ChangedAreas) p).changedAreas(vm, d, first, second);
                        assertThat(changed).as("changed areas").isNotNull();
                        for (Extent e : changed) {
                            assertThat(e.offset()).isNotNegative();
                            assertThat(e.offset() + e.length()).as("inside the disk").isLessThanOrEqualTo(d.capacity());
                        }
                    } finally {
                        s.removeSnapshot(vm, second);
                    }
                }
            } finally {
                s.removeSnapshot(vm, first);
            }
        }
    }

    @Test
    void theInventoryWatchStopsWhenAsked() throws Exception {
        try (SourceProvider p = open()) {
            if (!capabilities().contains(Capability.INVENTORY_WATCH)) {
                assertThat(p).as("without INVENTORY_WATCH the platform re-collects periodically").isNotInstanceOf(WatchesInventory.class);
                return;
            }
            RecordingInventoryPublisher pub = new RecordingInventoryPublisher();
            p.collectInventory(pub);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread watcher = Thread.ofVirtual().start(() -> {
                try {
                    ((WatchesInventory) p).watch(pub, stop::get);
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            Thread.sleep(1000); // the watch is established and running, as the platform runs it
            assertThat(watcher.isAlive()).as("the watch runs until asked to stop; failure: " + failed.get()).isTrue();
            stop.set(true);
            watcher.join(60_000);
            assertThat(watcher.isAlive()).as("watch returned once its stop condition held").isFalse();
            assertThat(failed.get()).as("the watch ended without an error").isNull();
            assertThat(pub.failure).isNull();
        }
    }

    private static void checkReader(DiskReader r, SourceDisk d) throws Exception {
        long size = r.size();
        assertThat(size).as("reader size of " + d.id()).isEqualTo(d.capacity());
        assertThat(r.describe()).isNotBlank();
        List<Extent> extents = r.extents(0, size);
        long at = 0;
        Extent firstData = null;
        for (Extent e : extents) {
            assertThat(e.offset()).as("extents of " + d.id() + " are contiguous and in order").isEqualTo(at);
            assertThat(e.length()).isPositive();
            at += e.length();
            if (firstData == null && !e.zero()) {
                firstData = e;
            }
        }
        assertThat(at).as("extents of " + d.id() + " cover the disk").isEqualTo(size);
        long from = firstData == null || r.sequentialOnly() ? 0 : firstData.offset();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(64 * 1024, size - from));
        while (buf.hasRemaining()) {
            int n = r.read(from + buf.position(), buf);
            assertThat(n).as("read of " + d.id() + " at " + (from + buf.position())).isPositive();
        }
    }
}
