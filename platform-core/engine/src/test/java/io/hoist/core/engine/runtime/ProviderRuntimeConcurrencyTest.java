package io.hoist.core.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.model.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12 item 5: two first uses of a provider build one instance (was: check-then-act built two and the loser
 * closed the winner's), and a provider rebuilt while a VM holds it is closed only when that VM lets go.
 */
class ProviderRuntimeConcurrencyTest {
    /** A source that counts its instances and records which were closed; creation is slow to widen the race. */
    static final class CountingFactory implements SourceProviderFactory {
        final AtomicInteger created = new AtomicInteger();
        final List<Integer> closed = new CopyOnWriteArrayList<>();

        @Override
        public String type() {
            return "counting";
        }

        @Override
        public SourceProvider create(ProviderConfig config, HostContext context) {
            int id = created.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new SourceProvider() {
                @Override public List<Condition> testConnection() { return List.of(); }
                @Override public void collectInventory(InventoryPublisher publisher) { }
                @Override public Optional<SourceVm> describe(VmRef vm) { return Optional.empty(); }
                @Override public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) { return null; }
                @Override public PowerState powerState(SourceVm vm) { return PowerState.OFF; }
                @Override public void powerOff(SourceVm vm) { }
                @Override public void powerOn(SourceVm vm) { }
                @Override public void close() { closed.add(id); }
            };
        }
    }

    private static ProviderRuntime runtime(CountingFactory f, Path dir) {
        HostServices services = new InventoryHostServices(new Inventory(), null, null, java.util.Map::of, dir);
        return new ProviderRuntime(Extensions.of(List.of(f), List.of(), List.of(), List.of()), services);
    }

    private static ObjectNode provider(int generation) {
        ObjectNode p = Manifests.parse("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: p, namespace: a, uid: uid-1}
                spec: {type: counting, url: "x://"}
                """).get(0);
        p.with("metadata").put("generation", generation);
        return p;
    }

    @Test
    void concurrentFirstUsesBuildOneInstanceAndCloseNone(@TempDir Path dir) throws Exception {
        CountingFactory f = new CountingFactory();
        try (ProviderRuntime runtime = runtime(f, dir)) {
            CountDownLatch go = new CountDownLatch(1);
            List<ProviderRuntime.Instance> got = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        got.add(runtime.ensure(provider(1), null));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(f.created.get()).isEqualTo(1);
            assertThat(f.closed).isEmpty();
            assertThat(got).hasSize(8).allMatch(i -> i == got.get(0));
        }
    }

    @Test
    void anInstanceRebuiltWhileLeasedClosesWhenTheLeaseIsClosed(@TempDir Path dir) {
        CountingFactory f = new CountingFactory();
        try (ProviderRuntime runtime = runtime(f, dir)) {
            ProviderRuntime.Lease running = runtime.acquire(provider(1), null);
            ProviderRuntime.Instance rebuilt = runtime.ensure(provider(2), null); // the Provider was edited
            assertThat(rebuilt).isNotSameAs(running.instance());
            assertThat(f.closed).as("the old instance stays open while a VM uses it").isEmpty();
            assertThat(running.instance().closed()).isFalse();
            running.close();
            assertThat(f.closed).containsExactly(1);
            running.close(); // a second close gives nothing back twice
            assertThat(rebuilt.closed()).isFalse();
        }
    }

    @Test
    void twoPluginsClaimingOneProviderTypeAreReported(@TempDir Path dir) {
        CountingFactory first = new CountingFactory();
        CountingFactory second = new CountingFactory();
        HostServices services = new InventoryHostServices(new Inventory(), null, null, java.util.Map::of, dir);
        try (ProviderRuntime runtime = new ProviderRuntime(Extensions.of(List.of(first, second), List.of(), List.of(), List.of()), services)) {
            List<Condition> problems = runtime.validate(ProviderRuntime.config(provider(1), null));
            org.assertj.core.api.Assertions.assertThat(problems).anySatisfy(c -> {
                org.assertj.core.api.Assertions.assertThat(c.reason()).isEqualTo("PluginsConflict");
                org.assertj.core.api.Assertions.assertThat(c.category()).isEqualTo(Condition.Category.Critical);
                org.assertj.core.api.Assertions.assertThat(c.message()).contains("'counting'", CountingFactory.class.getName());
            });
        }
        try (ProviderRuntime runtime = runtime(first, dir)) {
            org.assertj.core.api.Assertions.assertThat(runtime.validate(ProviderRuntime.config(provider(1), null))).isEmpty();
        }
    }
}
