package io.hoist.core.engine.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one writer of Plan and Migration status. Every status change of the engine is a function
 * queued here; a single thread drains the queue in batches and applies all pending changes of a plan to
 * its cached copy (the plan's own fields typed, each VM entry as the text it was written as: no typed whole plan, so
 * memory per VM stays small whatever the plan's size). VM entries ({@code status.migration.vms}, mirrored to the Migration's {@code status.vms})
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
     * One change: to the plan's own fields ({@code planChange}), to one VM entry ({@code vmChange}, written as its item
     * row and mirrored to the Migration), entries appended to the list ({@code appended}, item rows, not mirrored), or
     * to a Migration's own fields ({@code migrationChange}).
     */
    private record Change(PlanKey plan, String migrationName, Consumer<Plan> planChange,
                          Consumer<Migration> migrationChange, CompletableFuture<Void> done, String vmId,
                          Consumer<VmStatus> vmChange, List<VmStatus> appended) {
        boolean onPlan() {
            return planChange != null || vmChange != null || appended != null;
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
    private final com.fasterxml.jackson.databind.ObjectReader conditionsReader;

    public StatusWriter(ResourceStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
        this.entryWriter = mapper.writerFor(VmStatus.class).without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        this.entryReader = mapper.readerFor(VmStatus.class);
        this.conditionsReader = mapper.readerFor(mapper.getTypeFactory().constructCollectionType(List.class, Condition.class));
        // One virtual thread: store writes block on SQLite's fsync without holding a platform thread.
        this.thread = io.hoist.core.engine.Threads.virtualSerial("hoist-status-writer");
    }

    /**
     * Changes a plan's status (conditions, migration snapshot). The plan handed to {@code change} carries no VM entries
     * ({@code status.migration.vms} is null): a change that sets a list replaces the entries with it.
     */
    public CompletableFuture<Void> updatePlan(PlanKey plan, Consumer<Plan> change) {
        return submit(new Change(plan, null, change, null, new CompletableFuture<>(), null, null, null));
    }

    /** Changes a Migration's status. */
    public CompletableFuture<Void> updateMigration(String namespace, String migrationName, Consumer<Migration> change) {
        return submit(new Change(new PlanKey(namespace, null), migrationName, null, change, new CompletableFuture<>(), null, null, null));
    }

    /**
     * Changes one VM's entry on the plan ({@code status.migration.vms}) and mirrors the entry to the
     * Migration's {@code status.vms}. A VM without an entry is left alone.
     */
    public CompletableFuture<Void> updateVm(PlanKey plan, String migrationName, String vmId, Consumer<VmStatus> change) {
        // The plan entry is the durable truth; the Migration's copy of it is refreshed at most every few
        // seconds (and whenever the Migration itself is written), so a big plan costs one write per batch.
        return submit(new Change(plan, migrationName, null, null, new CompletableFuture<>(), vmId, change, null));
    }

    /**
     * Appends VM entries to a running plan's list ({@code status.migration.vms}), writing only them as item rows: a
     * Migration's start writes its first entries with the plan and the rest in batches like this one, so the first VMs
     * start without waiting for thousands of entries to be stored. An entry whose id the list already holds is skipped.
     */
    public CompletableFuture<Void> appendVms(PlanKey plan, List<VmStatus> entries) {
        return submit(new Change(plan, null, null, null, new CompletableFuture<>(), null, null, List.copyOf(entries)));
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

    /**
     * One VM entry as this writer last wrote (or read) it: its JSON text, which reads parse and mirrors send as it is,
     * and the few fields a pass asks of every entry. A typed entry weighed ~5-6 KiB, its text 2-3 KiB; an ended VM's
     * entry, once stored, keeps no text ({@code text} null: read from its row on the rare later use), so what a plan
     * keeps per VM after its run is a few references.
     */
    private record Written(String text, String completed, List<Condition> conditions, String newName) {
        Written withoutText() {
            return new Written(null, completed, conditions, newName);
        }
    }

    /** An entry's slot in the list; {@code last} is null only while the batch that created it is applied (under the copy's lock). */
    private static final class Entry {
        final String id;
        volatile Written last;

        Entry(String id) {
            this.id = id;
        }
    }

    /** A plan's VM entries in order, and by id (the first of two with one id, as a walk found it). */
    private static final class Entries {
        final List<Entry> order = new ArrayList<>();
        final Map<String, Entry> byId = new java.util.concurrent.ConcurrentHashMap<>();

        Entry add(String id) {
            Entry e = new Entry(id);
            order.add(e);
            if (id != null) {
                byId.putIfAbsent(id, e);
            }
            return e;
        }
    }

    /**
     * A plan as this writer last wrote (or read) it: its own fields typed ({@code head}, whose {@code status.migration.vms}
     * is always null), its VM entries as {@link Written} text. Entries are changed and the list is walked under the
     * copy's lock; a run's read of its own entry takes no lock.
     */
    private static final class PlanCopy {
        final PlanKey key;
        final Plan head;
        /** Null when the plan has no entry list. */
        volatile Entries entries;
        /**
         * Typed entries of VMs whose run changes them, so a phase change does not parse its entry back first; at most
         * {@link #EDITING_MAX}, the oldest dropped (re-parsed on its next change), and an ended VM's at once. Only the
         * writer's thread touches it.
         */
        final Map<String, VmStatus> editing = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, VmStatus> eldest) {
                return size() > EDITING_MAX;
            }
        };

        PlanCopy(PlanKey key, Plan head) {
            this.key = key;
            this.head = head;
        }
    }

    /** Typed entries kept per plan for VMs being changed: bounded, so memory does not grow with the plan. */
    static final int EDITING_MAX = 512;

    // The last plan this writer wrote or read, per plan: VM runs read their own entry from here instead
    // of parsing the whole plan (thousands of VM entries) from the store at every phase.
    private final Map<PlanKey, PlanCopy> latest = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * The plan as last written (or read) by this writer, without its VM entries ({@code status.migration.vms} is null:
     * read them with {@link #vm}, {@link #vmStates}, {@link #entryOutcomes}, {@link #newNames}); callers must not modify it.
     */
    public Optional<Plan> plan(PlanKey key) {
        return copy(key).map(c -> c.head);
    }

    /** This writer's copy of a plan, read from the store when it holds none (or reads through). */
    private Optional<PlanCopy> copy(PlanKey key) {
        if (readThrough) {
            forget(key);
        }
        PlanCopy c = latest.get(key);
        if (c != null) {
            return Optional.of(c);
        }
        Optional<PlanCopy> loaded = load(key);
        if (loaded.isEmpty()) {
            return loaded;
        }
        synchronized (lastWritten) {
            if (readBeforeOwnWrite(key, loaded.get().head)) {
                return loaded; // read-only use is fine; caching it would make the next batch write over what it missed
            }
            PlanCopy cached = latest.putIfAbsent(key, loaded.get());
            return Optional.of(cached != null ? cached : loaded.get());
        }
    }

    /** The plan from the store: its own fields typed, each stored entry kept as its text (never typed as a whole plan). */
    private Optional<PlanCopy> load(PlanKey key) {
        Optional<ObjectNode> stored = store.get(ResourceKind.PLAN, key.namespace(), key.name());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode node = stored.get();
        com.fasterxml.jackson.databind.JsonNode vms = node.path("status").path("migration") instanceof ObjectNode migration
                ? migration.remove("vms") : null;
        PlanCopy c = new PlanCopy(key, mapper.convertValue(node, Plan.class));
        if (vms != null && vms.isArray()) {
            Entries entries = new Entries();
            for (com.fasterxml.jackson.databind.JsonNode item : vms) {
                Written w = writtenOf(item);
                // an ended VM's entry is stored as it is: its row answers the rare read
                entries.add(item.path("id").asText(null)).last = w.completed() != null ? w.withoutText() : w;
            }
            c.entries = entries;
        }
        return Optional.of(c);
    }

    /** An entry's text: as kept, or (an ended VM's) as its row holds it. */
    private String textOf(PlanCopy c, String vmId, Written w) {
        if (w.text() != null) {
            return w.text();
        }
        return store.item(ResourceKind.PLAN, c.key.namespace(), c.key.name(), vmId).map(Object::toString)
                .orElseThrow(() -> new StoreException.NotFound("the status entry of VM " + vmId + " of plan " + c.key + " is not stored"));
    }

    /** Every stored entry of a plan by id (one read of the list, for a write of the whole list). */
    private Map<String, com.fasterxml.jackson.databind.JsonNode> storedEntries(PlanKey key) {
        Map<String, com.fasterxml.jackson.databind.JsonNode> out = new java.util.HashMap<>();
        store.get(ResourceKind.PLAN, key.namespace(), key.name())
                .ifPresent(plan -> plan.at("/status/migration/vms").forEach(item -> out.putIfAbsent(item.path("id").asText(), item)));
        return out;
    }

    private Written writtenOf(com.fasterxml.jackson.databind.JsonNode item) {
        List<Condition> conditions = null;
        if (item.path("conditions").isArray()) {
            try {
                conditions = java.util.Collections.unmodifiableList(conditionsReader.readValue(item.get("conditions")));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a stored status entry's conditions do not parse", e);
            }
        }
        return new Written(item.toString(), item.path("completed").asText(null), conditions, item.path("newName").asText(null));
    }

    private Written writtenOf(VmStatus v) {
        return new Written(serializeEntry(v), v.completed,
                v.conditions == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(v.conditions)), v.newName);
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
        return copy(key).map(c -> eachEntry(c, (id, w) -> new VmState(id, w.completed() != null)).orElse(List.of()));
    }

    /**
     * What a plan pass needs of each VM entry (id, completed, conditions: whether the run is over, how each VM ended),
     * from this writer's copy of the plan, in order; empty when this writer holds no copy or reads through to the store
     * (another writer's entries may be newer). A running plan's pass read and parsed every entry row (thousands) every
     * time; this copies a few references per entry.
     */
    public Optional<List<VmStatus>> entryOutcomes(PlanKey key) {
        PlanCopy c = readThrough ? null : latest.get(key);
        if (c == null) {
            return Optional.empty();
        }
        return eachEntry(c, (id, w) -> {
            VmStatus o = new VmStatus();
            o.id = id;
            o.completed = w.completed();
            o.conditions = w.conditions() == null ? null : new ArrayList<>(w.conditions());
            return o;
        });
    }

    /** Each entry's {@code newName} (the target names already chosen in this run), by VM id; none without a copy. */
    public Map<String, String> newNames(PlanKey key) {
        Map<String, String> out = new LinkedHashMap<>();
        copy(key).ifPresent(c -> eachEntry(c, (id, w) -> {
            if (id != null && w.newName() != null) {
                out.putIfAbsent(id, w.newName());
            }
            return id;
        }));
        return out;
    }

    /** {@code f} of each entry of a copy, in order, under the copy's lock; empty when the plan has no list. */
    private static <T> Optional<List<T>> eachEntry(PlanCopy c, java.util.function.BiFunction<String, Written, T> f) {
        synchronized (c) {
            Entries entries = c.entries;
            if (entries == null) {
                return Optional.empty();
            }
            List<T> out = new ArrayList<>(entries.order.size());
            for (Entry e : entries.order) {
                out.add(f.apply(e.id, e.last));
            }
            return Optional.of(out);
        }
    }

    /** A copy of one VM's current status entry, parsed from the text it was last written as. */
    public Optional<VmStatus> vm(PlanKey key, String vmId) {
        return copy(key).flatMap(c -> Optional.ofNullable(writtenEntry(c, vmId)).map(w -> parseEntry(textOf(c, vmId, w))));
    }

    /**
     * One VM's entry as last written, without the copy's lock (a run reads its entry at every phase, and in a plan of
     * thousands of VMs every run taking that lock, which the writer holds while it applies a batch, spun more CPU than
     * the copies); with it only for an entry whose batch is being applied. Null when the plan has no such entry.
     */
    private static Written writtenEntry(PlanCopy c, String vmId) {
        Entries entries = c.entries;
        Entry e = entries == null ? null : entries.byId.get(vmId);
        Written w = e == null ? null : e.last;
        if (w == null && e != null || entries != c.entries) {
            synchronized (c) {
                Entries now = c.entries;
                Entry found = now == null ? null : now.byId.get(vmId);
                w = found == null ? null : found.last;
            }
        }
        return w;
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

    /** Forgets the cached plan (deleted, or changed by someone else). */
    public void forget(PlanKey key) {
        latest.remove(key);
    }

    /** The cached plan's entries of these VMs, as the Migration's copies of them: the text the plan's rows got. */
    private List<ResourceStore.SerializedItem> mirrorEntries(PlanKey plan, java.util.Set<String> vmIds) {
        PlanCopy c = latest.get(plan);
        List<ResourceStore.SerializedItem> out = new ArrayList<>();
        if (c == null) {
            return out; // forgotten (plan deleted or re-read): the next change of these VMs mirrors them again
        }
        for (String id : vmIds) {
            Written w = writtenEntry(c, id);
            if (w != null) {
                out.add(new ResourceStore.SerializedItem(id, textOf(c, id, w)));
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
            if (c.onPlan()) {
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
                    if (c.vmChange != null) {
                        dirtyMirrors.computeIfAbsent(key.namespace() + "/" + c.migrationName,
                                k -> new Mirror(key, new java.util.LinkedHashSet<>())).vmIds().add(c.vmId);
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
     * {@link #updateVm} or appended as item rows, the plan's own fields (without the list) when an {@link #updatePlan}
     * ran, the whole list when a change replaced it (a Migration's start). Both kinds in one batch are one write of the
     * plan with its list, so a batch stays all-or-nothing. The cache is the last written state: the plan is read from
     * the store only on first use or after a conflict.
     */
    private void writePlan(PlanKey key, List<Change> changes) {
        for (int attempt = 0; ; attempt++) {
            if (readThrough && attempt == 0) {
                latest.remove(key);
            }
            PlanCopy c = latest.get(key);
            if (c == null) {
                c = load(key).orElseThrow(() -> new StoreException.NotFound("Plan " + key + " not found"));
                latest.put(key, c);
            }
            ObjectNode body = null;
            List<ResourceStore.SerializedItem> entries = new ArrayList<>();
            List<Entry> ended = new ArrayList<>();
            try {
                body = apply(c, changes, entries, ended);
            } catch (RuntimeException e) {
                latest.remove(key); // a change failed half-way: the copy is not what was stored
                throw e;
            }
            try {
                String rv = null;
                if (body != null) {
                    rv = store.updateStatusWithoutItems(ResourceKind.PLAN, body).path("metadata").path("resourceVersion").asText();
                } else if (!entries.isEmpty()) {
                    rv = store.writeSerializedItems(ResourceKind.PLAN, key.namespace(), key.name(), entries);
                }
                if (rv != null) {
                    synchronized (c) {
                        c.head.metadata.resourceVersion = rv;
                        // ended VMs' entries are stored now: their rows answer later reads, the copy keeps no text
                        for (Entry e : ended) {
                            Written w = e.last;
                            if (w != null && w.text() != null && w.completed() != null) {
                                e.last = w.withoutText();
                            }
                        }
                    }
                    Long written = version(rv);
                    if (written != null) {
                        synchronized (lastWritten) {
                            lastWritten.merge(key, written, Math::max);
                            // a read cached while this write was under way does not hold it either
                            latest.computeIfPresent(key, (k, cached) -> readBeforeOwnWrite(k, cached.head) ? null : cached);
                        }
                    }
                }
                return;
            } catch (StoreException.Conflict conflict) {
                latest.remove(key); // someone else wrote the plan: re-read and re-apply
                if (attempt >= 20) {
                    throw conflict;
                }
            } catch (StoreException.Superseded refused) {
                // entries of VM runs placed on another node since (a cluster): they fail alone, the rest is re-applied
                latest.remove(key);
                if (!dropRefused(changes, refused)) {
                    throw refused;
                }
                if (changes.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                latest.remove(key); // the cache holds changes that were not stored
                throw e;
            }
        }
    }

    /** Fails and removes the VM-entry changes of the VMs {@code refused} names; false when none was among them. */
    private static boolean dropRefused(List<Change> changes, StoreException.Superseded refused) {
        return changes.removeIf(c -> {
            boolean stale = c.vmChange() != null && c.vmId() != null && refused.vmIds().contains(c.vmId());
            if (stale) {
                c.done.completeExceptionally(refused);
            }
            return stale;
        });
    }

    /**
     * Applies a batch to a plan's copy under its lock: the entries to store go to {@code entries}, those of VMs that ended
     * to {@code ended} as well (their text is dropped once stored); returns the plan's
     * body to store instead when the plan's own fields changed (with the whole list when the list was replaced or the
     * batch changed both), else null.
     */
    private ObjectNode apply(PlanCopy c, List<Change> changes, List<ResourceStore.SerializedItem> entries, List<Entry> ended) {
        synchronized (c) {
            Plan p = c.head;
            ObjectNode body = null;
            // the typed entries this batch changed, by entry (an appended or replaced list's included)
            Map<Entry, VmStatus> changed = new LinkedHashMap<>();
            java.util.Set<Entry> notRunning = new java.util.HashSet<>();
            boolean planFields = false;
            boolean wholeList = false;
            for (Change ch : changes) {
                if (ch.vmChange != null) {
                    Entries list = c.entries;
                    Entry e = list == null || ch.vmId == null ? null : list.byId.get(ch.vmId);
                    if (e != null) {
                        VmStatus v = changed.get(e);
                        if (v == null) {
                            v = c.editing.remove(e.id);
                            v = v != null ? v : parseEntry(textOf(c, e.id, e.last));
                            changed.put(e, v);
                        }
                        ch.vmChange.accept(v);
                        notRunning.remove(e);
                    }
                } else if (ch.appended != null) {
                    if (c.entries == null) {
                        continue; // the run's snapshot is gone (plan reset): nothing to append to
                    }
                    for (VmStatus v : ch.appended) {
                        if (v.id != null && !c.entries.byId.containsKey(v.id)) {
                            Entry e = c.entries.add(v.id);
                            changed.put(e, v);
                            notRunning.add(e); // it waits to start: read from its text until its run changes it
                        }
                    }
                } else {
                    Plan.MigrationSnapshot before = p.status == null ? null : p.status.migration;
                    ch.planChange.accept(p);
                    planFields = true;
                    Plan.MigrationSnapshot after = p.status == null ? null : p.status.migration;
                    if (after != null && after.vms != null) {
                        // a new list (a Migration's start): it replaces every entry
                        Entries list = new Entries();
                        changed.clear();
                        c.editing.clear();
                        for (VmStatus v : after.vms) {
                            Entry e = list.add(v.id);
                            changed.put(e, v);
                            notRunning.add(e);
                        }
                        after.vms = null;
                        c.entries = list;
                        wholeList = true;
                    } else if (after != before) {
                        c.entries = null; // a snapshot without a list replaced the one with it
                        c.editing.clear();
                        wholeList = true;
                    }
                }
            }
            for (Map.Entry<Entry, VmStatus> ch : changed.entrySet()) {
                Entry e = ch.getKey();
                VmStatus v = ch.getValue();
                e.last = writtenOf(v);
                if (v.completed != null) {
                    ended.add(e);
                }
                if (v.completed == null && !notRunning.contains(e)) {
                    c.editing.put(e.id, v);
                }
                if (!wholeList) {
                    entries.add(new ResourceStore.SerializedItem(e.id, e.last.text()));
                }
            }
            wholeList |= planFields && !changed.isEmpty();
            if (planFields || wholeList) {
                body = mapper.valueToTree(p);
                withoutVmList(body);
                if (wholeList && c.entries != null && body.path("status").path("migration") instanceof ObjectNode migration) {
                    com.fasterxml.jackson.databind.node.ArrayNode vms = migration.putArray("vms");
                    Map<String, com.fasterxml.jackson.databind.JsonNode> stored = null;
                    for (Entry e : c.entries.order) {
                        if (e.last.text() != null) {
                            vms.add(readTree(e.last.text()));
                        } else {
                            stored = stored != null ? stored : storedEntries(c.key);
                            vms.add(stored.get(e.id));
                        }
                    }
                }
                entries.clear();
            }
            return body;
        }
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String text) {
        try {
            return mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a status entry this writer serialized does not parse", e);
        }
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
