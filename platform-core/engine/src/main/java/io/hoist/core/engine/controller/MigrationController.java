package io.hoist.core.engine.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.engine.itinerary.Flags;
import io.hoist.core.engine.itinerary.Itinerary;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.VmRun;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.SourceRef;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.store.ResourceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs Migrations: starts a migration of a Ready plan (initialising every VM's status entry and
 * pipeline durably first), re-dispatches unfinished VMs after a restart, passes cancellations on and
 * closes the migration when every VM is done. Succeeded VMs of an earlier run are never re-migrated.
 */
public final class MigrationController {
    /** The engine's VM-run registry, as the controller needs it. */
    public interface Runs {
        boolean isRunning(String migrationUid, String vmId);

        void dispatch(Messages.RunVm run);

        void cancel(Messages.CancelVms cancel);

        /**
         * The Pending message of a VM that waits for its place before its first phase, written with its first entry
         * (so a plan of thousands writes nothing more for its queue); null for none.
         */
        default String waitingReason() {
            return null;
        }
    }

    /** What the reconcile decided, for the engine: requeue later when waiting. */
    public record Result(boolean waiting) {}

    private final ResourceStore store;
    private final ObjectMapper mapper;
    private final StatusWriter status;
    private final Runs runs;
    private final java.util.Map<PlanKey, Object> starting = new java.util.concurrent.ConcurrentHashMap<>();
    /** Migrations started per plan by this controller: a plan pass under way when the count moves stops. */
    private final java.util.Map<PlanKey, java.util.concurrent.atomic.AtomicLong> starts = new java.util.concurrent.ConcurrentHashMap<>();
    /** Migrations (uid) whose VM entries are being written in batches after their start. */
    private final Set<String> filling = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final System.Logger LOG = System.getLogger(MigrationController.class.getName());
    private static final java.util.concurrent.ThreadFactory FILL_THREADS = io.hoist.core.engine.Threads.virtual("hoist-migration-fill");
    private static final java.util.concurrent.Executor OFF_THE_WRITER = r -> FILL_THREADS.newThread(r).start();
    /** VM entries written with the plan's run record at a Migration's start; the rest follow in batches. */
    static final int FIRST_ENTRIES = 100;
    /** VM entries per later write. */
    static final int ENTRY_BATCH = 500;

    public MigrationController(ResourceStore store, ObjectMapper mapper, StatusWriter status, Runs runs) {
        this.store = store;
        this.mapper = mapper;
        this.status = status;
        this.runs = runs;
    }

    /**
     * How many Migrations of the plan this controller started (counted once the start is durable): a plan validation
     * pass that sees the count move stops, since the plan's validation stands once it executes.
     */
    public long starts(PlanKey plan) {
        var n = starts.get(plan);
        return n == null ? 0 : n.get();
    }

    public Result reconcile(Migration m) {
        if (m.status != null && m.status.completed != null) {
            return new Result(false);
        }
        String ns = m.namespace();
        if (m.spec == null || m.spec.plan == null || m.spec.plan.name == null) {
            setMigrationCondition(m, Condition.of("PlanNotValid", Condition.TRUE, Condition.CATEGORY_CRITICAL, "NotSet",
                    "spec.plan is not set."));
            return new Result(false);
        }
        String planNs = m.spec.plan.namespace == null || m.spec.plan.namespace.isEmpty() ? ns : m.spec.plan.namespace;
        if (m.status != null && m.status.started != null && (m.spec.cancel == null || m.spec.cancel.isEmpty())
                && dispatchedFromCache(m, new PlanKey(planNs, m.spec.plan.name))) {
            return new Result(true);
        }
        Plan plan = store.get(ResourceKind.PLAN, planNs, m.spec.plan.name).map(n -> mapper.convertValue(n, Plan.class)).orElse(null);
        if (plan == null) {
            setMigrationCondition(m, Condition.of("PlanNotValid", Condition.TRUE, Condition.CATEGORY_CRITICAL, "NotFound",
                    "Plan " + planNs + "/" + m.spec.plan.name + " not found."));
            return new Result(true);
        }
        PlanKey key = new PlanKey(planNs, plan.name());
        boolean started = m.status != null && m.status.started != null;
        if (!started) {
            // Two Migrations of one plan reconcile on different threads: their starts are serialised per plan and
            // each reads the plan again inside, so only one can see it idle and start it.
            synchronized (starting.computeIfAbsent(key, k -> new Object())) {
                Plan current = store.get(ResourceKind.PLAN, planNs, m.spec.plan.name).map(n -> mapper.convertValue(n, Plan.class)).orElse(null);
                if (current == null) {
                    return new Result(true);
                }
                return start(m, current, key);
            }
        }
        List<VmStatus> vms = plan.status == null || plan.status.migration == null || plan.status.migration.vms == null
                ? List.of() : plan.status.migration.vms;
        // Cancellations: running VMs are told to stop; VMs not running are marked canceled here.
        Set<String> cancel = cancelIds(m, vms);
        List<String> toCancel = new ArrayList<>();
        for (VmStatus v : vms) {
            if (v.completed == null && cancel.contains(v.id)) {
                if (runs.isRunning(m.metadata.uid, v.id)) {
                    toCancel.add(v.id);
                } else {
                    String now = io.hoist.core.model.Timestamps.now();
                    status.updateVm(key, m.name(), v.id, e -> {
                        e.completed = now;
                        e.conditions = Conditions.set(e.conditions, Condition.of(Conditions.CANCELED, Condition.TRUE,
                                Condition.CATEGORY_ADVISORY, "UserRequested", "The VM migration was CANCELED."), Instant.now());
                    }).join();
                    v.completed = now;
                }
            }
        }
        if (!toCancel.isEmpty()) {
            runs.cancel(new Messages.CancelVms(key, m.metadata.uid, toCancel));
        }
        // Entries the start's batches have not written yet (or never wrote: a restart cut them short) are not done.
        boolean allDone = !fillMissing(m, key, plan, vms);
        for (VmStatus v : vms) {
            if (v.completed == null) {
                allDone = false;
                if (!cancel.contains(v.id) && !runs.isRunning(m.metadata.uid, v.id)) {
                    runs.dispatch(new Messages.RunVm(key, m.name(), m.metadata.uid, v.id));
                }
            }
        }
        if (allDone) {
            complete(m, plan, key, vms);
        }
        return new Result(!allDone);
    }

    /**
     * A running Migration's usual pass (a VM ended, or the resync): from the status writer's copy of the plan, sends
     * every unfinished VM that is not running and reports whether some are unfinished. False when the full pass must
     * run instead (every VM done, so the run completes; or no entries known). A big plan is not parsed from the store
     * once a second for this.
     */
    private boolean dispatchedFromCache(Migration m, PlanKey key) {
        List<StatusWriter.VmState> states = status.vmStates(key).orElse(List.of());
        int planVms = status.plan(key).map(p -> p.spec == null || p.spec.vms == null ? 0 : p.spec.vms.size()).orElse(0);
        boolean unfinished = false;
        if (states.size() < planVms) {
            if (!filling.contains(m.metadata.uid)) {
                return false; // entries missing and nobody writing them: the full pass does
            }
            unfinished = true;
        }
        for (StatusWriter.VmState v : states) {
            if (!v.completed()) {
                unfinished = true;
                if (!runs.isRunning(m.metadata.uid, v.id())) {
                    runs.dispatch(new Messages.RunVm(key, m.name(), m.metadata.uid, v.id()));
                }
            }
        }
        return unfinished;
    }

    private Result start(Migration m, Plan plan, PlanKey key) {
        if (plan.spec.isArchived()) {
            setMigrationCondition(m, Condition.of("PlanNotValid", Condition.TRUE, Condition.CATEGORY_CRITICAL, "Archived",
                    "Plan " + plan.name() + " is archived and cannot be migrated."));
            return new Result(false);
        }
        List<Condition> planConditions = plan.status == null ? null : plan.status.conditions;
        if (Conditions.isTrue(planConditions, Conditions.EXECUTING)) {
            String owner = executingMigrationUid(plan);
            if (m.metadata.uid.equals(owner)) {
                // This Migration's own start got as far as the plan (then the process died or the Migration write
                // failed): finish starting it instead of waiting for itself forever.
                return markStartedAndDispatch(m, plan, key, plan.status.migration.started);
            }
            if (migrationRunning(owner)) {
                setMigrationCondition(m, Condition.of("Ready", Condition.FALSE, Condition.CATEGORY_ADVISORY, "Blocked",
                        "Another migration of plan " + plan.name() + " is running."));
                return new Result(true);
            }
            // Executing was left by a Migration that finished or is gone: it blocks nobody.
        }
        if (!Conditions.isTrue(planConditions, Conditions.READY)) {
            setMigrationCondition(m, Condition.of("Ready", Condition.FALSE, Condition.CATEGORY_ADVISORY, "PlanNotReady",
                    "Plan " + plan.name() + " is not ready; see its conditions."));
            return new Result(true);
        }
        String now = io.hoist.core.model.Timestamps.now();
        String uid = m.metadata.uid;
        // The first entries are durable with the plan's run record before any VM runs; the others follow in batches
        // while the first VMs already copy (a 5,000-VM plan must not store 5,000 entries before its first copy). The
        // carried-over succeeded entries are in the first write, so a restart before the rest is written re-creates
        // only entries of VMs that still have to run (never re-migrates a succeeded VM).
        Map<String, VmStatus> previousById = new HashMap<>();
        if (plan.status != null && plan.status.migration != null && plan.status.migration.vms != null) {
            for (VmStatus v : plan.status.migration.vms) {
                previousById.putIfAbsent(v.id, v);
            }
        }
        List<VmStatus> first = new ArrayList<>();
        List<Plan.Vm> later = new ArrayList<>();
        int fresh = 0;
        for (Plan.Vm vm : plan.spec.vms) {
            String id = io.hoist.core.engine.run.VmLoader.planVmId(vm);
            VmStatus old = previousById.get(id);
            if (old != null && Conditions.isTrue(old.conditions, Conditions.SUCCEEDED)) {
                first.add(old); // never re-migrate a succeeded VM
            } else if (fresh < FIRST_ENTRIES) {
                first.add(newEntry(plan, vm, id, now, runs.waitingReason()));
                fresh++;
            } else {
                later.add(vm);
            }
        }
        status.updatePlan(key, p -> {
            Plan.MigrationSnapshot previous = p.status == null ? null : p.status.migration;
            List<VmStatus> entries = new ArrayList<>(first);
            if (p.status == null) {
                p.status = new Plan.Status();
            }
            Plan.MigrationSnapshot snap = new Plan.MigrationSnapshot();
            snap.started = now;
            snap.vms = entries;
            snap.history = previous == null || previous.history == null ? new ArrayList<>() : new ArrayList<>(previous.history);
            Plan.HistoryEntry h = new Plan.HistoryEntry();
            h.migration = new Plan.Snapshot();
            h.migration.uid = uid;
            h.migration.name = m.name();
            h.migration.namespace = m.namespace();
            h.migration.generation = m.metadata.generation;
            h.plan = new Plan.Snapshot();
            h.plan.uid = p.metadata.uid;
            h.plan.name = p.name();
            h.plan.namespace = p.namespace();
            h.plan.generation = p.metadata.generation;
            // The history records the generation of everything the run used (MTV's shape).
            h.provider = new Plan.SnapshotPair();
            h.provider.source = snapshotOf(ResourceKind.PROVIDER, p.spec.provider.source, p.namespace());
            h.provider.destination = snapshotOf(ResourceKind.PROVIDER, p.spec.provider.destination, p.namespace());
            h.map = new Plan.SnapshotMaps();
            h.map.network = snapshotOf(ResourceKind.NETWORK_MAP, p.spec.map.network, p.namespace());
            h.map.storage = snapshotOf(ResourceKind.STORAGE_MAP, p.spec.map.storage, p.namespace());
            snap.history.add(h);
            p.status.migration = snap;
            p.status.conditions = Conditions.set(p.status.conditions, Condition.of(Conditions.EXECUTING, Condition.TRUE,
                    Condition.CATEGORY_ADVISORY, "Started", "The plan is EXECUTING."), Instant.now());
            for (String t : List.of(Conditions.SUCCEEDED, Conditions.FAILED, Conditions.CANCELED)) {
                p.status.conditions = Conditions.remove(p.status.conditions, t);
            }
        }).join();
        // Counted once the start is durable: a plan pass that read the plan before it sees the count move and stops.
        starts.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        markStarted(m, now);
        dispatchEntries(m, key, first);
        if (later.isEmpty() && first.stream().allMatch(v -> v.completed != null)) {
            complete(m, plan, key, first);
            return new Result(true);
        }
        fill(m, key, plan, later, now);
        return new Result(true);
    }

    /**
     * The plan records this Migration as its run but the Migration is not marked started (the process died between
     * the two writes): marks it, sends its unfinished VMs and writes the entries still missing.
     */
    private Result markStartedAndDispatch(Migration m, Plan plan, PlanKey key, String now) {
        markStarted(m, now);
        List<VmStatus> vms = plan.status.migration.vms == null ? List.of() : plan.status.migration.vms;
        dispatchEntries(m, key, vms);
        if (!fillMissing(m, key, plan, vms) && vms.stream().allMatch(v -> v.completed != null)) {
            complete(m, plan, key, vms);
        }
        return new Result(true);
    }

    private void markStarted(Migration m, String now) {
        status.updateMigration(m.namespace(), m.name(), mig -> {
            if (mig.status == null) {
                mig.status = new Migration.Status();
            }
            mig.status.started = now;
            mig.status.conditions = Conditions.set(Conditions.remove(mig.status.conditions, "Ready"),
                    Condition.of("Running", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Started", "The migration is RUNNING."), Instant.now());
        }).join();
    }

    /** Sends the unfinished VMs of these entries; finished ones (carried over from an earlier run) are mirrored onto this Migration. */
    private void dispatchEntries(Migration m, PlanKey key, List<VmStatus> entries) {
        for (VmStatus v : entries) {
            if (v.completed == null) {
                if (!runs.isRunning(m.metadata.uid, v.id)) {
                    runs.dispatch(new Messages.RunVm(key, m.name(), m.metadata.uid, v.id));
                }
            } else {
                status.updateVm(key, m.name(), v.id, e -> { });
            }
        }
    }

    /**
     * Whether some plan VMs have no entry yet in this run; if so, and no fill of this Migration is under way (a
     * restart cut the start's batches short), writes their entries and sends them.
     */
    private boolean fillMissing(Migration m, PlanKey key, Plan plan, List<VmStatus> entries) {
        List<Plan.Vm> missing = missingVms(plan, entries);
        if (!missing.isEmpty()) {
            fill(m, key, plan, missing, io.hoist.core.model.Timestamps.now());
        }
        return !missing.isEmpty();
    }

    private static List<Plan.Vm> missingVms(Plan plan, List<VmStatus> entries) {
        if (plan.spec == null || plan.spec.vms == null || plan.spec.vms.size() <= entries.size()) {
            return List.of(); // entries never outnumber... every VM of the spec has one (the common case: no walk)
        }
        Set<String> have = new HashSet<>();
        for (VmStatus v : entries) {
            have.add(v.id);
        }
        List<Plan.Vm> out = new ArrayList<>();
        for (Plan.Vm vm : plan.spec.vms) {
            if (!have.contains(io.hoist.core.engine.run.VmLoader.planVmId(vm))) {
                out.add(vm);
            }
        }
        return out;
    }

    /**
     * Writes the entries of these VMs in batches of {@link #ENTRY_BATCH} on the status writer's thread, sending each
     * batch's VMs once it is durable. One fill per Migration at a time; a VM that got its entry meanwhile is skipped.
     */
    private void fill(Migration m, PlanKey key, Plan plan, List<Plan.Vm> vms, String now) {
        // Each batch's continuation (building the next 500 entries, sending 500 runs) runs on a thread of its own: on
        // the status writer's thread, which completes the batch's future, it held up the first VMs' phase writes.
        if (vms.isEmpty() || !filling.add(m.metadata.uid)) {
            return;
        }
        String waiting = runs.waitingReason();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < vms.size(); from += ENTRY_BATCH) {
            List<Plan.Vm> slice = vms.subList(from, Math.min(vms.size(), from + ENTRY_BATCH));
            chain = chain.thenComposeAsync(x -> {
                List<VmStatus> entries = new ArrayList<>(slice.size());
                for (Plan.Vm vm : slice) {
                    entries.add(newEntry(plan, vm, io.hoist.core.engine.run.VmLoader.planVmId(vm), now, waiting));
                }
                return status.appendVms(key, entries).thenRunAsync(() -> {
                    for (VmStatus e : entries) {
                        if (!runs.isRunning(m.metadata.uid, e.id)) {
                            runs.dispatch(new Messages.RunVm(key, m.name(), m.metadata.uid, e.id));
                        }
                    }
                }, OFF_THE_WRITER);
            }, OFF_THE_WRITER);
        }
        chain.whenComplete((x, err) -> {
            filling.remove(m.metadata.uid);
            if (err != null) {
                // The next pass of the Migration finds the entries still missing and fills again.
                LOG.log(System.Logger.Level.WARNING, "writing the VM entries of Migration " + m.namespace() + "/" + m.name()
                        + " failed; the next pass retries: " + err);
            }
        });
    }

    /** The uid of the Migration the plan's current run belongs to (its last history entry), or "". */
    private static String executingMigrationUid(Plan plan) {
        if (plan.status == null || plan.status.migration == null || plan.status.migration.history == null
                || plan.status.migration.history.isEmpty()) {
            return "";
        }
        var last = plan.status.migration.history.get(plan.status.migration.history.size() - 1).migration;
        return last == null || last.uid == null ? "" : last.uid;
    }

    /** Whether a Migration with this uid exists and has not completed. */
    private boolean migrationRunning(String uid) {
        if (uid.isEmpty()) {
            return false;
        }
        for (var o : store.listWithoutItems(ResourceKind.MIGRATION, null)) {
            if (uid.equals(o.path("metadata").path("uid").asText())) {
                return !o.path("status").has("completed");
            }
        }
        return false;
    }

    private Plan.Snapshot snapshotOf(ResourceKind kind, io.hoist.core.model.meta.Ref ref, String planNamespace) {
        Plan.Snapshot out = new Plan.Snapshot();
        String ns = ref == null || ref.namespace == null || ref.namespace.isEmpty() ? planNamespace : ref.namespace;
        out.namespace = ns;
        out.name = ref == null ? "" : ref.name;
        var stored = ref == null ? java.util.Optional.<com.fasterxml.jackson.databind.node.ObjectNode>empty() : store.get(kind, ns, ref.name);
        out.uid = stored.map(o -> o.path("metadata").path("uid").asText()).orElse("");
        out.generation = stored.map(o -> o.path("metadata").path("generation").asLong()).orElse(0L);
        return out;
    }

    /** The entry a VM of plan {@code p} starts its run with (first phase, whole pipeline Pending), MTV's shape. */
    public static VmStatus newEntry(Plan p, Plan.Vm vm, String id, String now, String waitingReason) {
        VmStatus e = new VmStatus();
        e.id = id;
        e.name = vm.name;
        e.targetName = vm.targetName;
        e.hooks = vm.hooks;
        e.started = now;
        boolean warm = Plan.TYPE_WARM.equals(p.spec.migrationType());
        Itinerary it = Itinerary.forFlags(new Flags(warm, hasHook(vm, "PreHook"), hasHook(vm, "PostHook")));
        e.phase = it.first().name();
        e.pipeline = new ArrayList<>();
        for (Step s : it.steps()) {
            VmStatus.Step st = new VmStatus.Step();
            st.name = s.name();
            st.description = s.description();
            st.phase = s == Phase.Started.step() ? "Running" : "Pending";
            st.progress = VmStatus.Progress.of(0, 0); // MTV's schema requires progress on every step
            st.started = s == Phase.Started.step() ? now : null;
            e.pipeline.add(st);
        }
        if (waitingReason != null) {
            // Every VM waits for its place until the walker takes it; its first transition removes this.
            e.conditions = Conditions.set(e.conditions, Condition.of("Pending", Condition.TRUE, Condition.CATEGORY_ADVISORY,
                    "Waiting", waitingReason), Instant.now());
        }
        if (warm) {
            e.warm = new VmStatus.Warm();
            e.warm.successes = 0;
            e.warm.failures = 0;
            e.warm.consecutiveFailures = 0;
        }
        return e;
    }

    private static boolean hasHook(Plan.Vm vm, String step) {
        return vm.hooks != null && vm.hooks.stream().anyMatch(h -> step.equals(h.step));
    }

    private static Set<String> cancelIds(Migration m, List<VmStatus> vms) {
        Set<String> out = new HashSet<>();
        if (m.spec.cancel == null) {
            return out;
        }
        for (SourceRef r : m.spec.cancel) {
            for (VmStatus v : vms) {
                if ((r.id != null && r.id.equals(v.id)) || (r.name != null && (r.name.equals(v.name) || r.name.equals(v.id)))) {
                    out.add(v.id);
                }
            }
        }
        return out;
    }

    private void complete(Migration m, Plan plan, PlanKey key, List<VmStatus> vms) {
        String now = io.hoist.core.model.Timestamps.now();
        List<Condition> outcome = PlanController.executionConditions(withAllDone(plan, vms));
        // The Migration first: whoever sees the plan's final condition finds the Migration complete too.
        status.updateMigration(m.namespace(), m.name(), mig -> {
            if (mig.status == null) {
                mig.status = new Migration.Status();
            }
            mig.status.completed = now;
            mig.status.conditions = Conditions.remove(mig.status.conditions, "Running");
            for (Condition c : outcome) {
                Condition copy = Condition.of(c.type, c.status, c.category, c.reason, c.message.replace("plan execution", "migration"));
                mig.status.conditions = Conditions.set(mig.status.conditions, copy, Instant.now());
            }
        }).join();
        status.updatePlan(key, p -> {
            if (p.status != null && p.status.migration != null) {
                p.status.migration.completed = now;
                p.status.conditions = Conditions.remove(p.status.conditions, Conditions.EXECUTING);
                for (Condition c : outcome) {
                    p.status.conditions = Conditions.set(p.status.conditions, c, Instant.now());
                }
            }
        }).join();
    }

    private static Plan withAllDone(Plan plan, List<VmStatus> vms) {
        if (plan.status == null) {
            plan.status = new Plan.Status();
        }
        if (plan.status.migration == null) {
            plan.status.migration = new Plan.MigrationSnapshot();
        }
        plan.status.migration.vms = vms;
        if (plan.status.migration.started == null) {
            plan.status.migration.started = io.hoist.core.model.Timestamps.now();
        }
        plan.status.migration.completed = io.hoist.core.model.Timestamps.now();
        return plan;
    }

    private void setMigrationCondition(Migration m, Condition c) {
        List<Condition> current = m.status == null ? null : m.status.conditions;
        var existing = Conditions.find(current, c.type);
        if (existing.isPresent() && Objects.equals(existing.get().message, c.message) && Objects.equals(existing.get().status, c.status)) {
            return; // unchanged: no write, no watch event, no loop
        }
        status.updateMigration(m.namespace(), m.name(), mig -> {
            if (mig.status == null) {
                mig.status = new Migration.Status();
            }
            mig.status.conditions = Conditions.set(mig.status.conditions, c, Instant.now());
        }).join();
    }
}
