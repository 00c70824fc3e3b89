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
 * queued here; a single thread drains the queue in batches, applies all pending changes of a plan to
 * one fresh copy and writes it once. So hundreds of VMs changing phase cost one store write per
 * batch, and a change is never lost to a concurrent write: on a resourceVersion conflict the batch
 * is re-read and re-applied. A returned future completes once the change is durable.
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

    private record Change(PlanKey plan, String migrationName, Consumer<Plan> planChange,
                          Consumer<Migration> migrationChange, CompletableFuture<Void> done, String mirrorVmId) {
        Change(PlanKey plan, String migrationName, Consumer<Plan> planChange, Consumer<Migration> migrationChange,
               CompletableFuture<Void> done) {
            this(plan, migrationName, planChange, migrationChange, done, null);
        }
    }

    /** VM entries to copy onto a Migration's status: migration key to (plan, VM ids). */
    private record Mirror(PlanKey plan, java.util.Set<String> vmIds) {}

    private final Map<String, Mirror> dirtyMirrors = new LinkedHashMap<>();
    private final Map<String, Long> lastMirror = new java.util.HashMap<>();
    private static final long MIRROR_INTERVAL_MS = 3000;

    public StatusWriter(ResourceStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
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
        Consumer<Plan> onPlan = p -> findVm(p, vmId).ifPresent(change);
        // The plan entry is the durable truth; the Migration's copy of it is refreshed at most every few
        // seconds (and whenever the Migration itself is written), so a big plan costs one write per batch.
        return submit(new Change(plan, migrationName, onPlan, null, new CompletableFuture<>(), vmId));
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

    /** The plan as last written (or read) by this writer; callers must not modify it. */
    public Optional<Plan> plan(PlanKey key) {
        Plan p = latest.get(key);
        if (p != null) {
            return Optional.of(p);
        }
        Optional<Plan> loaded = store.get(ResourceKind.PLAN, key.namespace(), key.name()).map(n -> mapper.convertValue(n, Plan.class));
        loaded.ifPresent(x -> latest.put(key, x));
        return loaded;
    }

    /** A copy of one VM's current status entry. */
    public Optional<VmStatus> vm(PlanKey key, String vmId) {
        return plan(key).flatMap(p -> {
            synchronized (p) {
                return findVm(p, vmId).map(v -> mapper.convertValue(v, VmStatus.class));
            }
        });
    }

    /** Forgets the cached plan (deleted, or changed by someone else). */
    public void forget(PlanKey key) {
        latest.remove(key);
    }

    private void mirrorVm(PlanKey plan, Migration m, String vmId) {
        Plan p = latest.get(plan);
        if (p == null) {
            return;
        }
        findVm(p, vmId).ifPresent(entry -> {
            if (m.status == null) {
                m.status = new Migration.Status();
            }
            if (m.status.vms == null) {
                m.status.vms = new ArrayList<>();
            }
            VmStatus copy = mapper.convertValue(entry, VmStatus.class);
            m.status.vms.removeIf(v -> Objects.equals(v.id, vmId));
            m.status.vms.add(copy);
        });
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
        for (Change c; (c = queue.poll()) != null; ) {
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
            try {
                write(ResourceKind.MIGRATION, key.substring(0, slash), key.substring(slash + 1), Migration.class, m -> {
                    if (mirror != null) {
                        mirror.vmIds().forEach(id -> mirrorVm(mirror.plan(), m, id));
                    }
                    changes.forEach(c -> c.migrationChange.accept(m));
                });
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
     * Applies a batch of changes to the cached plan and writes its status once. The cache is the last
     * written state, so the plan is parsed from the store only on first use or after a conflict.
     */
    private void writePlan(PlanKey key, List<Change> changes) {
        for (int attempt = 0; ; attempt++) {
            Plan p = latest.get(key);
            if (p == null) {
                p = store.get(ResourceKind.PLAN, key.namespace(), key.name()).map(n -> mapper.convertValue(n, Plan.class))
                        .orElseThrow(() -> new StoreException.NotFound("Plan " + key + " not found"));
                latest.put(key, p);
            }
            ObjectNode updated;
            synchronized (p) {
                Plan target = p;
                changes.forEach(c -> c.planChange.accept(target));
                updated = mapper.valueToTree(p);
            }
            try {
                ObjectNode stored = store.updateStatus(ResourceKind.PLAN, updated);
                synchronized (p) {
                    p.metadata.resourceVersion = stored.path("metadata").path("resourceVersion").asText();
                }
                return;
            } catch (StoreException.Conflict conflict) {
                latest.remove(key); // someone else wrote the plan: re-read and re-apply
                if (attempt >= 20) {
                    throw conflict;
                }
            } catch (RuntimeException e) {
                latest.remove(key); // the cache holds changes that were not stored
                throw e;
            }
        }
    }

    private <T> T write(ResourceKind kind, String ns, String name, Class<T> type, Consumer<T> apply) {
        for (int attempt = 0; ; attempt++) {
            ObjectNode stored = store.get(kind, ns, name)
                    .orElseThrow(() -> new StoreException.NotFound(kind.kind() + " " + ns + "/" + name + " not found"));
            T typed = mapper.convertValue(stored, type);
            apply.accept(typed);
            ObjectNode updated = mapper.valueToTree(typed);
            try {
                store.updateStatus(kind, updated);
                return typed;
            } catch (StoreException.Conflict conflict) {
                if (attempt >= 20) {
                    throw conflict;
                }
                LOG.log(System.Logger.Level.DEBUG, "status conflict on " + kind.kind() + " " + ns + "/" + name + ", retrying");
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
