package io.hoist.core.engine.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusWriterTest {
    @TempDir
    Path dir;

    /** VMs vm-0 ... vm-(n-1) as YAML flow items. */
    private static String vmIds(int n) {
        StringBuilder vms = new StringBuilder();
        for (int i = 0; i < n; i++) {
            vms.append(i == 0 ? "" : ", ").append("{id: vm-").append(i).append('}');
        }
        return vms.toString();
    }

    /** Plan default/p with these VMs (YAML flow items) and its Migration default/m. */
    private static void createPlanAndMigration(ResourceStore store, String vms) {
        for (ObjectNode o : Manifests.parse("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: p, namespace: default}
                spec: {targetNamespace: t, vms: [%s]}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: m, namespace: default}
                spec: {plan: {name: p, namespace: default}}
                """.formatted(vms))) {
            store.create(ResourceKind.byKind(o.path("kind").asText()).orElseThrow(), o);
        }
    }

    /**
     * A VM change marks the Migration's copy dirty, which is refreshed on a 3 s timer. A VM change made while that
     * timer is pending must still be written after the short linger: VM runs wait for their phase changes to be
     * durable, so each one waiting for the mirror timer added seconds to every step (seen as ~3 s per phase).
     */
    @Test
    void aVmChangeIsDurableWithinTheLingerEvenWhileAMirrorRefreshIsPending() throws Exception {
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            createPlanAndMigration(store, "{id: vm-1}");
            PlanKey key = new PlanKey("default", "p");
            startRun(writer, key, entry("vm-1", null));

            writer.updateVm(key, "m", "vm-1", v -> v.phase = "CopyDisks").get(5, TimeUnit.SECONDS);
            // the first change mirrored at once; this one leaves the mirror dirty and its timer pending
            writer.updateVm(key, "m", "vm-1", v -> v.phase = "Precopy").get(5, TimeUnit.SECONDS);

            long t0 = System.nanoTime();
            writer.updateVm(key, "m", "vm-1", v -> v.phase = "CreateVm").get(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("ms until a VM change was durable while a mirror refresh was pending").isLessThan(1_500);
            assertThat(store.get(ResourceKind.PLAN, "default", "p").orElseThrow()
                    .at("/status/migration/vms/0/phase").asText()).isEqualTo("CreateVm");
        } finally {
            store.close();
        }
    }

    /**
     * Plan size does not matter: in a plan of 3,000 VMs one VM's phase change stores that VM's entry alone (the
     * watch event carries the plan without its list, flagged itemsOnly), while a read still returns MTV's whole
     * {@code status.migration.vms} in order, and the Migration's mirror holds the entry too.
     */
    @Test
    void aVmChangeWritesThatEntryAloneAndReadsAssembleTheWholeList() throws Exception {
        int n = 3000;
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            createPlanAndMigration(store, vmIds(n));
            PlanKey key = new PlanKey("default", "p");
            writer.updatePlan(key, p -> {
                p.status = new Plan.Status();
                p.status.migration = new Plan.MigrationSnapshot();
                p.status.migration.vms = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    VmStatus vm = new VmStatus();
                    vm.id = "vm-" + i;
                    vm.name = "entry-" + i;
                    // about what a real entry weighs with its pipeline: 3,000 of them exceed the store's object limit
                    vm.error = VmStatus.VmError.of("Started", java.util.List.of("x".repeat(600)));
                    vm.phase = "Started";
                    p.status.migration.vms.add(vm);
                }
            }).get(30, TimeUnit.SECONDS);

            java.util.List<ResourceStore.WatchEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = store.watchWithoutItems(ResourceKind.PLAN, "default", store.currentVersion(), events::add)) {
                writer.updateVm(key, "m", "vm-1234", v -> v.phase = "CopyDisks").get(5, TimeUnit.SECONDS);
            }
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.itemsOnly()).isTrue();
                assertThat(e.object().at("/status/migration").has("vms")).isFalse();
            });
            ObjectNode plan = store.get(ResourceKind.PLAN, "default", "p").orElseThrow();
            // the event's size is the plan's own (its spec lists the 3,000 VMs), not that of 3,000 status entries
            assertThat(events.get(0).object().toString().length()).as("bytes of the plan event")
                    .isLessThan(plan.toString().length() / 10);
            assertThat(plan.at("/status/migration/vms").size()).isEqualTo(n);
            assertThat(plan.at("/status/migration/vms/1234/phase").asText()).isEqualTo("CopyDisks");
            assertThat(plan.at("/status/migration/vms/1233/phase").asText()).isEqualTo("Started");
            assertThat(plan.at("/status/migration/vms/2999/id").asText()).isEqualTo("vm-2999");
            assertThat(plan.toString().length()).as("the whole plan is larger than one stored object may be")
                    .isGreaterThan((int) ResourceStore.MAX_OBJECT_BYTES);
            // a plan-level change (conditions) keeps every entry
            writer.updatePlan(key, p -> p.status.observedGeneration = 7L).get(5, TimeUnit.SECONDS);
            plan = store.get(ResourceKind.PLAN, "default", "p").orElseThrow();
            assertThat(plan.at("/status/observedGeneration").asLong()).isEqualTo(7);
            assertThat(plan.at("/status/migration/vms").size()).isEqualTo(n);
            assertThat(plan.at("/status/migration/vms/1234/phase").asText()).isEqualTo("CopyDisks");
            assertThat(writer.vm(key, "vm-1234")).map(v -> v.phase).contains("CopyDisks");
            // the Migration's copy arrives with the next mirror refresh (every few seconds)
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.item(ResourceKind.MIGRATION, "default", "m", "vm-1234").isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertThat(store.get(ResourceKind.MIGRATION, "default", "m").orElseThrow().at("/status/vms"))
                    .anySatisfy(v -> assertThat(v.path("phase").asText()).isEqualTo("CopyDisks"));
        } finally {
            store.close();
        }
    }

    /**
     * A Migration's start writes its first entries with the plan and appends the rest in batches: an append stores only
     * the new entries (the plan's other entries and fields stay as they are, the watch event is itemsOnly), keeps the
     * list's order, and skips an entry whose VM is already in the list (a second fill after a restart).
     */
    @Test
    void appendedEntriesAreStoredAloneInOrderAndAnExistingEntryIsKept() throws Exception {
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            createPlanAndMigration(store, "{id: vm-0}, {id: vm-1}, {id: vm-2}");
            PlanKey key = new PlanKey("default", "p");
            startRun(writer, key, entry("vm-0", "CopyDisks"));

            java.util.List<ResourceStore.WatchEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (ResourceStore.Watch w = store.watchWithoutItems(ResourceKind.PLAN, "default", store.currentVersion(), events::add)) {
                writer.appendVms(key, java.util.List.of(entry("vm-0", "Started"), entry("vm-1", "Started"), entry("vm-2", "Started")))
                        .get(5, TimeUnit.SECONDS);
            }
            assertThat(events).singleElement().satisfies(e -> assertThat(e.itemsOnly()).isTrue());
            ObjectNode plan = store.get(ResourceKind.PLAN, "default", "p").orElseThrow();
            assertThat(plan.at("/status/migration/vms")).extracting(v -> v.path("id").asText()).containsExactly("vm-0", "vm-1", "vm-2");
            assertThat(plan.at("/status/migration/vms/0/phase").asText()).as("the entry that existed").isEqualTo("CopyDisks");
            assertThat(writer.vm(key, "vm-2")).map(v -> v.phase).contains("Started");
            // a VM change after the append reaches the appended entry
            writer.updateVm(key, "m", "vm-2", v -> v.phase = "CreateVm").get(5, TimeUnit.SECONDS);
            assertThat(store.item(ResourceKind.PLAN, "default", "p", "vm-2").orElseThrow().path("phase").asText()).isEqualTo("CreateVm");
        } finally {
            store.close();
        }
    }

    /**
     * A cluster node forgets its copy of the plan when a run starts there and marks the VM {@code Placed}; a VM run
     * reading the plan at that moment got it back from the store without that mark. Cached, the next change of the
     * VM was written from that copy and the mark was gone (bench/cluster: 4-5 of 6 VMs kept it). Here the read is held
     * back by a store test double until the mark is durable; the mark must survive the VM's next change.
     */
    @Test
    void aPlanReadThatCameBackBeforeThisWritersWriteDoesNotUndoIt() throws Exception {
        ResourceStore real = SqliteResourceStore.open(dir);
        PlanReadHoldingStoreTestDouble held = new PlanReadHoldingStoreTestDouble(real);
        java.util.concurrent.ExecutorService runThread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (StatusWriter writer = new StatusWriter(held.store(), Resources.MAPPER)) {
            createPlanAndMigration(real, "{id: vm-1}, {id: vm-2}");
            PlanKey key = new PlanKey("default", "p");
            writer.updatePlan(key, p -> {
                p.status = new Plan.Status();
                p.status.migration = new Plan.MigrationSnapshot();
                p.status.migration.vms = new ArrayList<>(java.util.List.of(entry("vm-1", "Started"), entry("vm-2", "Started")));
            }).get(5, TimeUnit.SECONDS);

            writer.forget(key); // a run starts on this node: its entry may have been written elsewhere meanwhile
            held.holdNextPlanRead();
            java.util.concurrent.Future<?> runReads = runThread.submit(() -> writer.plan(key));
            held.awaitHeld();
            writer.updateVm(key, "m", "vm-2", v -> io.hoist.core.engine.run.VmStatusEditor.setCondition(v,
                    io.hoist.core.model.meta.Condition.of("Placed", io.hoist.core.model.meta.Condition.TRUE,
                            io.hoist.core.model.meta.Condition.CATEGORY_ADVISORY, "NodeAssigned", "run by node node-a")))
                    .get(5, TimeUnit.SECONDS);
            held.release();
            runReads.get(5, TimeUnit.SECONDS);

            writer.updateVm(key, "m", "vm-2", v -> v.phase = "CopyDisks").get(5, TimeUnit.SECONDS);
            ObjectNode stored = real.item(ResourceKind.PLAN, "default", "p", "vm-2").orElseThrow();
            assertThat(stored.path("phase").asText()).isEqualTo("CopyDisks");
            assertThat(stored.path("conditions")).extracting(c -> c.path("type").asText()).contains("Placed");
        } finally {
            held.release();
            runThread.shutdownNow();
            real.close();
        }
    }

    /**
     * Test double: a real store whose next read of a Plan, once armed, reads at once but is held back before it returns
     * until released, as a read that lost the race with a write looks to its caller.
     */
    private static final class PlanReadHoldingStoreTestDouble {
        private final ResourceStore real;
        private final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);

        PlanReadHoldingStoreTestDouble(ResourceStore real) {
            this.real = real;
        }

        void holdNextPlanRead() {
            armed.set(true);
        }

        void awaitHeld() throws InterruptedException {
            assertThat(held.await(10, TimeUnit.SECONDS)).as("a plan read was held").isTrue();
        }

        void release() {
            released.countDown();
        }

        ResourceStore store() {
            return (ResourceStore) java.lang.reflect.Proxy.newProxyInstance(ResourceStore.class.getClassLoader(),
                    new Class<?>[] {ResourceStore.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("get") && args[0] == ResourceKind.PLAN && armed.compareAndSet(true, false)) {
                            held.countDown();
                            released.await(10, TimeUnit.SECONDS);
                        }
                        return result;
                    });
        }
    }

    private static VmStatus entry(String id, String phase) {
        VmStatus vm = new VmStatus();
        vm.id = id;
        vm.phase = phase;
        return vm;
    }

    /** Writes a run's snapshot holding these entries, as a Migration's start does. */
    private static void startRun(StatusWriter writer, PlanKey key, VmStatus... entries) throws Exception {
        writer.updatePlan(key, p -> {
            p.status = new Plan.Status();
            p.status.migration = new Plan.MigrationSnapshot();
            p.status.migration.vms = new ArrayList<>(java.util.List.of(entries));
        }).get(5, TimeUnit.SECONDS);
    }

    /**
     * A running plan's pass takes each entry's outcome from the writer's copy: what the last change made of it, in
     * order, before or after it is stored; a writer that reads through to the store (a cluster) offers none.
     */
    @Test
    void entryOutcomesFollowEveryChangeAndAreWithheldWhenReadingThrough() throws Exception {
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            createPlanAndMigration(store, "{id: vm-1}, {id: vm-2}");
            PlanKey key = new PlanKey("default", "p");
            assertThat(writer.entryOutcomes(key)).isEmpty(); // nothing cached yet
            startRun(writer, key, entry("vm-1", null), entry("vm-2", null));
            writer.updateVm(key, "m", "vm-2", v -> {
                v.completed = "2026-12-04T00:00:00Z";
                v.conditions = new ArrayList<>(java.util.List.of(io.hoist.core.model.meta.Condition.of(
                        "Succeeded", "True", "Advisory", "Completed", "done")));
            }).get(5, TimeUnit.SECONDS);
            var outcomes = writer.entryOutcomes(key).orElseThrow();
            assertThat(outcomes).extracting(v -> v.id).containsExactly("vm-1", "vm-2");
            assertThat(outcomes.get(0).completed).isNull();
            assertThat(outcomes.get(1).completed).isEqualTo("2026-12-04T00:00:00Z");
            assertThat(outcomes.get(1).conditions).extracting(c -> c.type).containsExactly("Succeeded");
            // a copy: a later change does not show in outcomes taken before it
            writer.updateVm(key, "m", "vm-1", v -> v.completed = "2026-12-04T00:00:01Z").get(5, TimeUnit.SECONDS);
            assertThat(outcomes.get(0).completed).isNull();
            assertThat(writer.entryOutcomes(key).orElseThrow().get(0).completed).isEqualTo("2026-12-04T00:00:01Z");
            writer.readThrough();
            assertThat(writer.entryOutcomes(key)).isEmpty();
        } finally {
            store.close();
        }
    }

    /**
     * Plan size does not matter to memory: the writer keeps each entry as the text it was written as, typed only for a
     * bounded number of VMs being changed, never the whole plan typed (a typed entry weighs ~5-6 KiB; 20,000 of them
     * were most of the heap a 20,000-VM plan kept). Counted as live {@code VmStatus} objects in a class histogram (a
     * full GC first), so the check does not depend on heap sizes or string lengths: N entries that all changed (their
     * runs still going) leave at most {@link StatusWriter#EDITING_MAX} typed, N ended ones none, and every entry still
     * reads back whole, from the writer and from the store.
     */
    @Test
    void theWriterKeepsNoTypedEntryPerVmOnlyABoundedFewBeingChanged() throws Exception {
        int n = 3 * StatusWriter.EDITING_MAX;
        ResourceStore store = SqliteResourceStore.open(dir);
        try (StatusWriter writer = new StatusWriter(store, Resources.MAPPER)) {
            createPlanAndMigration(store, vmIds(n));
            PlanKey key = new PlanKey("default", "p");
            long before = liveVmStatuses();
            VmStatus[] entries = new VmStatus[n];
            for (int i = 0; i < n; i++) {
                entries[i] = entry("vm-" + i, "Started");
            }
            startRun(writer, key, entries);
            entries = null;
            java.util.List<java.util.concurrent.CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                writes.add(writer.updateVm(key, "m", "vm-" + i, v -> {
                    v.phase = "CopyDisks";
                    v.started = "2026-12-04T00:00:00Z";
                }));
            }
            java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            writes.clear();
            long running = liveVmStatuses() - before;
            assertThat(running).as("typed entries kept while %d VMs' runs change them", n)
                    .isLessThanOrEqualTo(StatusWriter.EDITING_MAX + 16);

            for (int i = 0; i < n; i++) {
                writes.add(writer.updateVm(key, "m", "vm-" + i, v -> v.completed = "2026-12-04T00:00:01Z"));
            }
            java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            writes.clear();
            long ended = liveVmStatuses() - before;
            assertThat(ended).as("typed entries kept once %d VMs ended", n).isLessThanOrEqualTo(16);

            assertThat(writer.vm(key, "vm-" + (n - 1))).hasValueSatisfying(v -> {
                assertThat(v.phase).isEqualTo("CopyDisks");
                assertThat(v.completed).isEqualTo("2026-12-04T00:00:01Z");
            });
            assertThat(writer.vmStates(key).orElseThrow()).hasSize(n).allMatch(StatusWriter.VmState::completed);
            ObjectNode plan = store.get(ResourceKind.PLAN, "default", "p").orElseThrow();
            assertThat(plan.at("/status/migration/vms")).hasSize(n)
                    .allSatisfy(v -> assertThat(v.path("completed").asText()).isEqualTo("2026-12-04T00:00:01Z"));
        } finally {
            store.close();
        }
    }

    /** Live {@code VmStatus} objects in this JVM, from a class histogram (which runs a full GC first). */
    private static long liveVmStatuses() throws Exception {
        String histogram = (String) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        for (String line : histogram.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[3].equals(VmStatus.class.getName())) {
                return Long.parseLong(cols[1]);
            }
        }
        return 0;
    }
}
