package io.hoist.core.engine.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one writer of Plan and Migration status. Every status change of the engine is a function
 * queued here; a single thread drains the queue in batches and applies all pending changes of a plan to
 * its cached copy. VM entries ({@code status.migration.vms}, mirrored to the Migration's {@code status.vms})
 * are the store's item rows: a batch writes only the entries it changed ({@link ResourceStore#writeItems}),
 * so a VM's phase change costs the same in a plan of 20 VMs as in one of 20,000. The plan's own fields are
 * written (without the list) only when a change touched them. A change is never lost to a concurrent
 * write: on a resourceVersion conflict the plan is re-read and the batch re-applied. A returned future
 * completes once the change is durable.
 */
public final class StatusWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StatusWriter.class.getName());

    private final ResourceStore store;
    private final ObjectMapper mapper;
    private final ExecutorService thread;
    private final java.util.concurrent.ScheduledExecutorService timer = io.hoist.core.engine.Threads.timer("hoist-status-timer");
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    /** A drain for queued changes is scheduled (after the short linger). */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /**
     * A drain for Migration mirrors is scheduled (after the mirror interval). Kept apart from {@link #scheduled}:
     * sharing one flag made every change submitted meanwhile wait for the mirror timer, up to 3 s per phase.
     */
    private final AtomicBoolean mirrorScheduled = new AtomicBoolean();

    /**
     * {@code mirrorVmId}: a VM entry's change (written as its item row and mirrored to the Migration); {@code itemIds}:
     * entries appended to the list (written as item rows, not mirrored); neither: the plan's own fields.
     */
    private record Change(PlanKey plan, String migrationName, Consumer<Plan> planChange,
                          Consumer<Migration> migrationChange, CompletableFuture<Void> done, String mirrorVmId,
                          List<String> itemIds) {
        Change(PlanKey plan, String migrationName, Consumer<Plan> planChange, Consumer<Migration> migrationChange,
               CompletableFuture<Void> done) {
            this(plan, migrationName, planChange, migrationChange, done, null, null);
        }
    }

    /** VM entries to copy onto a Migration's status: migration key to (plan, VM ids). */
    private record Mirror(PlanKey plan, java.util.Set<String> vmIds) {}

    private final Map<String, Mirror> dirtyMirrors = new LinkedHashMap<>();
    private final Map<String, Long> lastMirror = new java.util.HashMap<>();
    private static final long MIRROR_INTERVAL_MS = 3000;

    /** VM entries go straight to JSON text and back, without a tree in between (once per write, once per read). */
    private final com.fasterxml.jackson.databind.ObjectWriter entryWriter;
    private final com.fasterxml.jackson.databind.ObjectReader entryReader;

    public StatusWriter(ResourceStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
        this.entryWriter = mapper.writerFor(VmStatus.class).without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        this.entryReader = mapper.readerFor(VmStatus.class);
        // One virtual thread: store writes block on SQLite's fsync without holding a platform thread.
        this.thread = io.hoist.core.engine.Threads.virtualSerial("hoist-status-writer");
    }

    /** Changes a plan's status (conditions, migration snapshot). */
    public CompletableFuture<Void> updatePlan(PlanKey plan, Consumer<Plan> change) {
        return submit(new Change(plan, null, change, null, new CompletableFuture<>()));
    }

    /** Changes a Migration's status. */
    public CompletableFuture<Void> updateMigration(String namespace, String migrationName, Consumer<Migration> change) {
        return submit(new Change(new PlanKey(namespace, null), migrationName, null, change, new CompletableFuture<>()));
    }

    /**
     * Changes one VM's entry on the plan ({@code status.migration.vms}) and mirrors the entry to the
     * Migration's {@code status.vms}.
     */
    public CompletableFuture<Void> updateVm(PlanKey plan, String migrationName, String vmId, Consumer<VmStatus> change) {
        Consumer<Plan> onPlan = p -> {
            VmStatus entry = indexed(p, vmId);
            if (entry != null) {
                change.accept(entry);
            }
        };
        // The plan entry is the durable truth; the Migration's copy of it is refreshed at most every few
        // seconds (and whenever the Migration itself is written), so a big plan costs one write per batch.
        return submit(new Change(plan, migrationName, onPlan, null, new CompletableFuture<>(), vmId, null));
    }

    /**
     * Appends VM entries to a running plan's list ({@code status.migration.vms}), writing only them as item rows: a
     * Migration's start writes its first entries with the plan and the rest in batches like this one, so the first VMs
     * start without waiting for thousands of entries to be stored. An entry whose id the list already holds is skipped.
     */
    public CompletableFuture<Void> appendVms(PlanKey plan, List<VmStatus> entries) {
        List<String> ids = entries.stream().map(e -> e.id).toList();
        Consumer<Plan> onPlan = p -> {
            List<VmStatus> list = vmsOf(p);
            if (list == null) {
                return; // the run's snapshot is gone (plan reset): nothing to append to
            }
            // Looked up before adding any: each add makes the index stale (rebuilt on the next lookup).
            List<VmStatus> fresh = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (VmStatus e : entries) {
                if (seen.add(e.id) && indexed(p, e.id) == null) {
                    fresh.add(e);
                }
            }
            list.addAll(fresh);
        };
        return submit(new Change(plan, null, onPlan, null, new CompletableFuture<>(), null, ids));
    }

    private CompletableFuture<Void> submit(Change c) {
        queue.add(c);
        if (scheduled.compareAndSet(false, true)) {
            // A short linger lets concurrent VM runs share one write of a large plan.
            try {
                timer.schedule(() -> later(this::drainChanges), LINGER_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                queue.remove(c);
                c.done.completeExceptionally(new IllegalStateException("the status writer is stopped"));
            }
        }
        return c.done;
    }

    private static final long LINGER_MS = 20;
    /**
     * Changes per drain at most: when a thousand VMs of one plan change phase together, the first of them are durable
     * (and move on) after a few hundred entries are written, not after all of them; the rest follow at once.
     */
    private static final int MAX_BATCH = 256;

    /** Runs a drain on the writer thread; after close nothing more runs (close drained what was queued). */
    private void later(Runnable drain) {
        try {
            thread.execute(drain);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            Change c;
            while ((c = queue.poll()) != null) {
                c.done.completeExceptionally(new IllegalStateException("the status writer is stopped"));
            }
        }
    }

    public static Optional<VmStatus> findVm(Plan p, String vmId) {
        if (p.status == null || p.status.migration == null || p.status.migration.vms == null) {
            return Optional.empty();
        }
        return p.status.migration.vms.stream().filter(v -> Objects.equals(v.id, vmId)).findFirst();
    }

    // The last plan this writer wrote or read, per plan: VM runs read their own entry from here instead
    // of parsing the whole plan (thousands of VM entries) from the store at every phase.
    private final Map<PlanKey, Plan> latest = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Other writers change this store's VM entries too (the VM runs on other nodes of a cluster): every read and every
     * batch starts from the store, not from this writer's copy (item rows carry no version a stale copy would fail on).
     */
    private volatile boolean readThrough;

    /** Reads through to the store from now on (see {@link #readThrough}); a plan read then costs a full parse. */
    public StatusWriter readThrough() {
        this.readThrough = true;
        return this;
    }

    /** The plan as last written (or read) by this writer; callers must not modify it. */
    public Optional<Plan> plan(PlanKey key) {
        if (readThrough) {
            forget(key);
        }
        Plan p = latest.get(key);
        if (p != null) {
            return Optional.of(p);
        }
        Optional<Plan> loaded = store.get(ResourceKind.PLAN, key.namespace(), key.name()).map(n -> mapper.convertValue(n, Plan.class));
        if (loaded.isEmpty()) {
            return loaded;
        }
        synchronized (lastWritten) {
            if (readBeforeOwnWrite(key, loaded.get())) {
                return loaded; // read-only use is fine; caching it would make the next batch write over what it missed
            }
            Plan cached = latest.putIfAbsent(key, loaded.get());
            return Optional.of(cached != null ? cached : loaded.get());
        }
    }

    /**
     * Per plan, the resourceVersion of this writer's last write. A VM run's read of the plan that began before that
     * write came back without it; cached, the next batch would write its VM entries from it and undo the write (a
     * cluster node's {@code Placed} condition was lost so, for VMs whose runs started together).
     */
    private final Map<PlanKey, Long> lastWritten = new java.util.concurrent.ConcurrentHashMap<>();

    private boolean readBeforeOwnWrite(PlanKey key, Plan p) {
        Long mine = lastWritten.get(key);
        Long read = version(p.metadata == null ? null : p.metadata.resourceVersion);
        return mine != null && read != null && read < mine;
    }

    private static Long version(String resourceVersion) {
        try {
            return resourceVersion == null ? null : Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            return null; // not a store counter: nothing to compare
        }
    }

    /** What a running Migration's pass needs of a VM entry. */
    public record VmState(String id, boolean completed) {}

    /**
     * The VM entries' ids and whether each completed, from this writer's copy of the plan (the freshest there is: every
     * VM change goes through here), without parsing thousands of entries from the store on every pass.
     */
    public Optional<List<VmState>> vmStates(PlanKey key) {
        return plan(key).map(p -> eachEntry(p, v -> new VmState(v.id, v.completed != null)).orElse(List.of()));
    }

    /**
     * What a plan pass needs of each VM entry (id, completed, conditions: whether the run is over, how each VM ended),
     * copied from this writer's typed copy of the plan, in order; empty when this writer holds no copy or reads through
     * to the store (another writer's entries may be newer). A running plan's pass read and parsed every entry row
     * (thousands) every time; this copies a few references per entry.
     */
    public Optional<List<VmStatus>> entryOutcomes(PlanKey key) {
        Plan p = readThrough ? null : latest.get(key);
        if (p == null) {
            return Optional.empty();
        }
        return eachEntry(p, v -> {
            VmStatus o = new VmStatus();
            o.id = v.id;
            o.completed = v.completed;
            o.conditions = v.conditions == null ? null : List.copyOf(v.conditions);
            return o;
        });
    }

    /** {@code f} of each entry of a cached plan, in order, under the plan's lock; empty when the plan has no list. */
    private static <T> Optional<List<T>> eachEntry(Plan p, java.util.function.Function<VmStatus, T> f) {
        synchronized (p) {
            List<VmStatus> list = vmsOf(p);
            if (list == null) {
                return Optional.empty();
            }
            List<T> out = new ArrayList<>(list.size());
            for (VmStatus v : list) {
                out.add(f.apply(v));
            }
            return Optional.of(out);
        }
    }

    /**
     * Each VM entry as a batch last serialized it, per plan (never changed afterwards): a run reads its own entry from
     * here without the plan's lock. In a plan of thousands of VMs, every run copying its entry under that one lock,
     * which the writer holds while applying a batch, spun more CPU than the copies themselves.
     */
    private final Map<PlanKey, Map<String, String>> written = new java.util.concurrent.ConcurrentHashMap<>();

    /** A copy of one VM's current status entry. */
    public Optional<VmStatus> vm(PlanKey key, String vmId) {
        Map<String, String> entries = readThrough ? null : written.get(key);
        String entry = entries == null ? null : entries.get(vmId);
        if (entry != null) {
            return Optional.of(parseEntry(entry));
        }
        return plan(key).flatMap(p -> {
            String text;
            synchronized (p) {
                VmStatus v = indexed(p, vmId);
                if (v == null) {
                    return Optional.empty();
                }
                text = serializeEntry(v);
            }
            return Optional.of(parseEntry(text));
        });
    }

    private String serializeEntry(VmStatus v) {
        try {
            return entryWriter.writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the status entry of VM " + v.id, e);
        }
    }

    private VmStatus parseEntry(String text) {
        try {
            return entryReader.readValue(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a status entry this writer serialized does not parse", e);
        }
    }

    /** A cached plan's VM entries by id, valid while the plan holds this very list at this size. */
    private record VmIndex(List<VmStatus> list, int size, Map<String, VmStatus> byId) {}

    private final Map<Plan, VmIndex> indexes = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * One VM's entry of a cached plan without walking the list (a walk per phase change made a plan of N VMs cost
     * N² over its run). Called holding the plan's lock; entries are edited in place, so only a new or longer list
     * needs a new index.
     */
    private VmStatus indexed(Plan p, String vmId) {
        List<VmStatus> list = vmsOf(p);
        if (list == null) {
            return null;
        }
        VmIndex ix = indexes.get(p);
        if (ix == null || ix.list() != list || ix.size() != list.size()) {
            Map<String, VmStatus> byId = new java.util.HashMap<>();
            for (VmStatus v : list) {
                byId.putIfAbsent(v.id, v);
            }
            ix = new VmIndex(list, list.size(), byId);
            indexes.put(p, ix);
        }
        VmStatus v = ix.byId().get(vmId);
        if (v == null) {
            // The index is of this very list at this size (entries are never replaced or removed in place): absent.
            // A walk here made each entry a Migration start appends cost the whole list (N² over a 20,000-VM start).
            return null;
        }
        return Objects.equals(v.id, vmId) ? v : findVm(p, vmId).orElse(null);
    }

    /** Forgets the cached plan (deleted, or changed by someone else). */
    public void forget(PlanKey key) {
        latest.remove(key);
        written.remove(key);
    }

    /** The cached plan's entries of these VMs, as the Migration's copies of them. */
    private List<ResourceStore.SerializedItem> mirrorEntries(PlanKey plan, java.util.Set<String> vmIds) {
        Plan p = latest.get(plan);
        List<ResourceStore.SerializedItem> out = new ArrayList<>();
        if (p == null) {
            return out; // forgotten (plan deleted or re-read): the next change of these VMs mirrors them again
        }
        Map<String, String> texts = written.getOrDefault(plan, Map.of());
        synchronized (p) {
            for (String id : vmIds) {
                VmStatus entry = indexed(p, id);
                if (entry != null) {
                    // the text the plan's row got in this writer's last batch, when it kept one (a running VM's)
                    String text = texts.get(id);
                    out.add(new ResourceStore.SerializedItem(entry.id, text != null ? text : serializeEntry(entry)));
                }
            }
        }
        return out;
    }

    private void drainChanges() {
        scheduled.set(false);
        drain();
    }

    private void drainMirrors() {
        mirrorScheduled.set(false);
        drain();
    }

    /** Runs on the writer's single thread only. */
    private void drain() {
        List<Change> batch = new ArrayList<>();
        for (Change c; batch.size() < MAX_BATCH && (c = queue.poll()) != null; ) {
            batch.add(c);
        }
        Map<PlanKey, List<Change>> byPlan = new LinkedHashMap<>();
        Map<String, List<Change>> byMigration = new LinkedHashMap<>();
        for (Change c : batch) {
            if (c.planChange != null) {
                byPlan.computeIfAbsent(c.plan, k -> new ArrayList<>()).add(c);
            }
            if (c.migrationChange != null) {
                byMigration.computeIfAbsent(c.plan.namespace() + "/" + c.migrationName, k -> new ArrayList<>()).add(c);
            }
        }
        Map<Change, Throwable> failures = new LinkedHashMap<>();
        byPlan.forEach((key, changes) -> {
            try {
                writePlan(key, changes);
                for (Change c : changes) {
                    if (c.mirrorVmId != null) {
                        dirtyMirrors.computeIfAbsent(key.namespace() + "/" + c.migrationName,
                                k -> new Mirror(key, new java.util.LinkedHashSet<>())).vmIds().add(c.mirrorVmId);
                    }
                }
            } catch (RuntimeException e) {
                changes.forEach(c -> failures.put(c, e));
            }
        });
        long now = System.currentTimeMillis();
        java.util.Set<String> migrations = new java.util.LinkedHashSet<>(byMigration.keySet());
        for (String key : dirtyMirrors.keySet()) {
            if (now - lastMirror.getOrDefault(key, 0L) >= MIRROR_INTERVAL_MS) {
                migrations.add(key);
            }
        }
        for (String key : migrations) {
            List<Change> changes = byMigration.getOrDefault(key, List.of());
            Mirror mirror = dirtyMirrors.remove(key);
            int slash = key.indexOf('/');
            String ns = key.substring(0, slash);
            String name = key.substring(slash + 1);
            try {
                if (!changes.isEmpty()) {
                    writeMigration(ns, name, m -> changes.forEach(c -> c.migrationChange.accept(m)));
                }
                if (mirror != null) {
                    List<ResourceStore.SerializedItem> entries = mirrorEntries(mirror.plan(), mirror.vmIds());
                    if (!entries.isEmpty()) {
                        store.writeSerializedItems(ResourceKind.MIGRATION, ns, name, entries);
                    }
                }
                lastMirror.put(key, now);
            } catch (RuntimeException e) {
                changes.forEach(c -> failures.putIfAbsent(c, e));
            }
        }
        for (Change c : batch) {
            Throwable t = failures.get(c);
            if (t == null) {
                c.done.complete(null);
            } else {
                c.done.completeExceptionally(t);
            }
        }
        if (!queue.isEmpty()) {
            if (scheduled.compareAndSet(false, true)) {
                later(this::drainChanges);
            }
        } else if (!dirtyMirrors.isEmpty() && mirrorScheduled.compareAndSet(false, true)) {
            // Mirrors still waiting for their interval: come back for them.
            try {
                timer.schedule(() -> later(this::drainMirrors), MIRROR_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // stopping: the mirrors are refreshed from the plan on the next start
            }
        }
    }

    /**
     * Applies a batch of changes to the cached plan and stores what they changed: the entries of the VMs changed by
     * {@link #updateVm} as item rows, the plan's own fields (without the list) when an {@link #updatePlan} ran, the
     * whole list when a change replaced it (a Migration's start). Both kinds in one batch are one write of the plan
     * with its list, so a batch stays all-or-nothing. The cache is the last written state: the plan is parsed from
     * the store only on first use or after a conflict.
     */
    private void writePlan(PlanKey key, List<Change> changes) {
        for (int attempt = 0; ; attempt++) {
            if (readThrough && attempt == 0) {
                latest.remove(key);
            }
            Plan p = latest.get(key);
            if (p == null) {
                p = store.get(ResourceKind.PLAN, key.namespace(), key.name()).map(n -> mapper.convertValue(n, Plan.class))
                        .orElseThrow(() -> new StoreException.NotFound("Plan " + key + " not found"));
                latest.put(key, p);
            }
            ObjectNode body = null;
            List<ResourceStore.SerializedItem> entries = new ArrayList<>();
            synchronized (p) {
                List<VmStatus> listBefore = vmsOf(p);
                java.util.Set<String> vmIds = new java.util.LinkedHashSet<>();
                java.util.Set<String> appended = new java.util.HashSet<>();
                boolean planFields = false;
                for (Change c : changes) {
                    c.planChange.accept(p);
                    if (c.mirrorVmId != null) {
                        vmIds.add(c.mirrorVmId);
                    } else if (c.itemIds != null) {
                        vmIds.addAll(c.itemIds);
                        appended.addAll(c.itemIds);
                    } else {
                        planFields = true;
                    }
                }
                boolean wholeList = vmsOf(p) != listBefore || (planFields && !vmIds.isEmpty());
                if (planFields || wholeList) {
                    body = mapper.valueToTree(p);
                    if (!wholeList) {
                        withoutVmList(body);
                    } else {
                        written.remove(key); // a new list: entries are read from it until written one by one again
                    }
                } else {
                    Map<String, String> snapshots = written.computeIfAbsent(key, k -> new java.util.concurrent.ConcurrentHashMap<>());
                    for (String id : vmIds) {
                        VmStatus v = indexed(p, id);
                        if (v != null) {
                            String text = serializeEntry(v);
                            entries.add(new ResourceStore.SerializedItem(id, text));
                            if (v.completed == null && !appended.contains(id)) {
                                snapshots.put(id, text);
                            } else {
                                // its run has ended (the copy would only grow with the plan), or it waits to start
                                // (read from the plan until its run changes it)
                                snapshots.remove(id);
                            }
                        }
                    }
                }
            }
            try {
                String rv = null;
                if (body != null) {
                    rv = store.updateStatusWithoutItems(ResourceKind.PLAN, body).path("metadata").path("resourceVersion").asText();
                } else if (!entries.isEmpty()) {
                    rv = store.writeSerializedItems(ResourceKind.PLAN, key.namespace(), key.name(), entries);
                }
                if (rv != null) {
                    synchronized (p) {
                        p.metadata.resourceVersion = rv;
                    }
                    Long written = version(rv);
                    if (written != null) {
                        synchronized (lastWritten) {
                            lastWritten.merge(key, written, Math::max);
                            // a read cached while this write was under way does not hold it either
                            latest.computeIfPresent(key, (k, cached) -> readBeforeOwnWrite(k, cached) ? null : cached);
                        }
                    }
                }
                return;
            } catch (StoreException.Conflict conflict) {
                latest.remove(key); // someone else wrote the plan: re-read and re-apply
                written.remove(key);
                if (attempt >= 20) {
                    throw conflict;
                }
            } catch (StoreException.Superseded refused) {
                // entries of VM runs placed on another node since (a cluster): they fail alone, the rest is re-applied
                latest.remove(key);
                written.remove(key);
                if (!dropRefused(changes, refused)) {
                    throw refused;
                }
                if (changes.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                latest.remove(key); // the cache holds changes that were not stored
                written.remove(key);
                throw e;
            }
        }
    }

    /** Fails and removes the VM-entry changes of the VMs {@code refused} names; false when none was among them. */
    private static boolean dropRefused(List<Change> changes, StoreException.Superseded refused) {
        return changes.removeIf(c -> {
            boolean stale = c.mirrorVmId != null && refused.vmIds().contains(c.mirrorVmId);
            if (stale) {
                c.done.completeExceptionally(refused);
            }
            return stale;
        });
    }

    private static List<VmStatus> vmsOf(Plan p) {
        return p.status == null || p.status.migration == null ? null : p.status.migration.vms;
    }

    /** A plan body that leaves the stored VM entries as they are (a body without the list keeps the rows). */
    private static void withoutVmList(ObjectNode plan) {
        if (plan.path("status").path("migration") instanceof ObjectNode migration) {
            migration.remove("vms");
        }
    }

    /**
     * A Migration's own status fields, read and written without its VM entries (those are the mirror's, written as
     * item rows), unless the change set the list itself.
     */
    private void writeMigration(String ns, String name, Consumer<Migration> apply) {
        for (int attempt = 0; ; attempt++) {
            ObjectNode stored = store.getWithoutItems(ResourceKind.MIGRATION, ns, name)
                    .orElseThrow(() -> new StoreException.NotFound("Migration " + ns + "/" + name + " not found"));
            Migration typed = mapper.convertValue(stored, Migration.class);
            apply.accept(typed);
            ObjectNode updated = mapper.valueToTree(typed);
            if (typed.status == null || typed.status.vms == null) {
                if (updated.path("status") instanceof ObjectNode status) {
                    status.remove("vms");
                }
            }
            try {
                store.updateStatusWithoutItems(ResourceKind.MIGRATION, updated);
                return;
            } catch (StoreException.Conflict conflict) {
                if (attempt >= 20) {
                    throw conflict;
                }
                LOG.log(System.Logger.Level.DEBUG, "status conflict on Migration " + ns + "/" + name + ", retrying");
            }
        }
    }

    /**
     * Writes what is queued (bounded wait), then stops: a shutdown loses no acknowledged-to-be change that could still
     * be written, and late submissions fail quietly instead of racing a closing store.
     */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            thread.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException alreadyClosed) {
            return;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
