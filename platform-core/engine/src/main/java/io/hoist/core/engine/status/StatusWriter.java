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
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private record Change(PlanKey plan, String migrationName, Consumer<Plan> planChange,
                          Consumer<Migration> migrationChange, CompletableFuture<Void> done) {}

    public StatusWriter(ResourceStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hoist-status-writer");
            t.setDaemon(true);
            return t;
        });
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
        return submit(new Change(plan, migrationName, onPlan, m -> mirrorVm(plan, m, vmId), new CompletableFuture<>()));
    }

    private CompletableFuture<Void> submit(Change c) {
        queue.add(c);
        if (scheduled.compareAndSet(false, true)) {
            thread.execute(this::drain);
        }
        return c.done;
    }

    public static Optional<VmStatus> findVm(Plan p, String vmId) {
        if (p.status == null || p.status.migration == null || p.status.migration.vms == null) {
            return Optional.empty();
        }
        return p.status.migration.vms.stream().filter(v -> Objects.equals(v.id, vmId)).findFirst();
    }

    // Filled per batch with the freshly written plans, so mirrors copy the entry just written.
    private final Map<PlanKey, Plan> written = new LinkedHashMap<>();

    private void mirrorVm(PlanKey plan, Migration m, String vmId) {
        Plan p = written.get(plan);
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

    private void drain() {
        scheduled.set(false);
        List<Change> batch = new ArrayList<>();
        for (Change c; (c = queue.poll()) != null; ) {
            batch.add(c);
        }
        if (batch.isEmpty()) {
            return;
        }
        written.clear();
        // Plans first (grouped), then migrations, so mirrors see the plan entries just written.
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
                written.put(key, write(ResourceKind.PLAN, key.namespace(), key.name(), Plan.class,
                        p -> changes.forEach(c -> c.planChange.accept(p))));
            } catch (RuntimeException e) {
                changes.forEach(c -> failures.put(c, e));
            }
        });
        byMigration.forEach((key, changes) -> {
            int slash = key.indexOf('/');
            try {
                write(ResourceKind.MIGRATION, key.substring(0, slash), key.substring(slash + 1), Migration.class,
                        m -> changes.forEach(c -> c.migrationChange.accept(m)));
            } catch (RuntimeException e) {
                changes.forEach(c -> failures.putIfAbsent(c, e));
            }
        });
        for (Change c : batch) {
            Throwable t = failures.get(c);
            if (t == null) {
                c.done.complete(null);
            } else {
                c.done.completeExceptionally(t);
            }
        }
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            thread.execute(this::drain);
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

    @Override
    public void close() {
        thread.shutdown();
    }
}
