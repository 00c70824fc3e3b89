package io.hoist.core.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.LocalCodec;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.controller.MigrationController;
import io.hoist.core.engine.controller.PlanController;
import io.hoist.core.engine.controller.ProviderController;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.run.EngineContext;
import io.hoist.core.engine.run.VmRun;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The migration engine: watches the store, reconciles Providers, Plans and Migrations one pass per
 * object at a time, and runs VMs dispatched over the Vert.x event bus. Everything it needs to resume
 * is in the store, so a restarted engine continues every unfinished migration where it stopped.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    /** Minimum time between two passes over the same object: status churn during a big run is coalesced. */
    private static final long MIN_PASS_INTERVAL_MS = 1_000;
    /** Inventory changes are gathered this long before a provider's plans are recomputed. */
    private static final long INVENTORY_SETTLE_MS = 500;

    private final Vertx vertx;
    private final ResourceStore store;
    private final ObjectMapper mapper = Resources.MAPPER;
    private final Extensions extensions;
    private final HostServices services;
    private final ProviderRuntime providers;
    private final StatusWriter status;
    private final TransferScheduler scheduler;
    private final EngineContext ctx;
    private final ProviderController providerController;
    private final PlanController planController;
    private final MigrationController migrationController;
    private final ExecutorService reconcilers;
    private final ScheduledExecutorService timers;
    private final Map<String, VmRun> runs = new ConcurrentHashMap<>();
    private final Map<Messages.Reconcile, PassState> passes = new ConcurrentHashMap<>();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private ResourceStore.Watch watch;
    /** Providers whose inventory changed since their plans were last requeued. */
    private final Set<String> inventoryChanged = ConcurrentHashMap.newKeySet();
    /** Last seen generation per Migration uid, to tell spec changes from status writes. */
    private final Map<String, Long> migrationGenerations = new ConcurrentHashMap<>();
    private AutoCloseable inventorySubscription;
    private Duration resyncEvery = Duration.ofSeconds(15);
    private volatile boolean closed;

    private static final class PassState {
        boolean running;
        boolean again;
        long lastRun;
    }

    public Engine(Vertx vertx, ResourceStore store, Extensions extensions, HostServices services, DiskCopyService copier) {
        this.vertx = vertx;
        this.store = store;
        this.extensions = extensions;
        this.services = services;
        this.providers = new ProviderRuntime(extensions, services, store);
        this.status = new StatusWriter(store, mapper);
        this.scheduler = new TransferScheduler(() -> (int) services.settings().getLong("controller_max_vm_inflight", 20));
        this.timers = Executors.newScheduledThreadPool(1, named("hoist-engine-timer"));
        this.reconcilers = Executors.newFixedThreadPool(4, named("hoist-reconcile"));
        ExecutorService phases = Executors.newFixedThreadPool(256, named("hoist-vm-phase"));
        ExecutorService copies = Executors.newCachedThreadPool(named("hoist-disk-copy"));
        this.ctx = new EngineContext(vertx, store, mapper, providers, extensions, scheduler, copier, status,
                services.settings(), phases, copies, timers);
        this.providerController = new ProviderController(store, providers, extensions, services, uid -> requeueAll(ResourceKind.PLAN));
        this.planController = new PlanController(store, mapper, providers, extensions, services.inventoryView());
        this.migrationController = new MigrationController(store, mapper, status, new MigrationController.Runs() {
            @Override
            public boolean isRunning(String migrationUid, String vmId) {
                return runs.containsKey(runKey(migrationUid, vmId));
            }

            @Override
            public void dispatch(Messages.RunVm run) {
                vertx.eventBus().send(Addresses.VM_RUN, run);
            }

            @Override
            public void cancel(Messages.CancelVms cancel) {
                vertx.eventBus().publish(Addresses.VM_CANCEL, cancel);
            }
        });
    }

    public TransferScheduler scheduler() {
        return scheduler;
    }

    public ProviderRuntime providers() {
        return providers;
    }

    /**
     * How often every plan and migration is looked at again whatever happened (a safety net under the
     * event-driven passes); set before {@link #start()}. Tests lengthen it to prove the events alone suffice.
     */
    public Engine resyncEvery(Duration every) {
        this.resyncEvery = every;
        return this;
    }

    /** Starts watching and resumes every unfinished migration. */
    public void start() {
        LocalCodec.registerAll(vertx.eventBus());
        consumers.add(vertx.eventBus().<Messages.RunVm>consumer(Addresses.VM_RUN, m -> startRun(m.body())));
        consumers.add(vertx.eventBus().<Messages.CancelVms>consumer(Addresses.VM_CANCEL, m -> {
            for (String vmId : m.body().vmIds()) {
                VmRun r = runs.get(runKey(m.body().migrationUid(), vmId));
                if (r != null) {
                    r.cancel();
                }
            }
        }));
        consumers.add(vertx.eventBus().<Messages.Reconcile>consumer(Addresses.RECONCILE, m -> enqueue(m.body())));
        watch = store.watch(null, null, store.currentVersion(), this::onChange);
        inventorySubscription = services.onInventoryChange(this::onInventoryChange);
        for (ResourceKind k : List.of(ResourceKind.PROVIDER, ResourceKind.PLAN, ResourceKind.MIGRATION)) {
            requeueAll(k);
        }
        // Level-triggered safety net: every object is looked at again periodically.
        timers.scheduleWithFixedDelay(() -> {
            requeueAll(ResourceKind.PLAN);
            requeueAll(ResourceKind.MIGRATION);
        }, resyncEvery.toMillis(), resyncEvery.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> requeueAll(ResourceKind.PROVIDER), 60, 60, TimeUnit.SECONDS);
    }

    private void onChange(ResourceStore.WatchEvent e) {
        ResourceKind kind = e.kind();
        ObjectNode o = e.object();
        String ns = o.path("metadata").path("namespace").asText();
        String name = o.path("metadata").path("name").asText();
        switch (kind) {
            case PROVIDER -> {
                if ("DELETED".equals(e.type())) {
                    providers.remove(o.path("metadata").path("uid").asText(), o.path("spec").path("type").asText());
                } else {
                    enqueue(new Messages.Reconcile(kind, ns, name));
                }
                requeueAll(ResourceKind.PLAN);
            }
            case SECRET, HOST -> {
                requeueAll(ResourceKind.PROVIDER); // a provider's plugin is rebuilt with its new Secret or Hosts
            }
            case PLAN -> {
                if ("DELETED".equals(e.type())) {
                    status.forget(new Messages.PlanKey(ns, name));
                } else {
                    enqueue(new Messages.Reconcile(kind, ns, name));
                }
            }
            case MIGRATION -> {
                if (!"DELETED".equals(e.type())) {
                    enqueue(new Messages.Reconcile(kind, ns, name));
                    // Only a spec change (new generation: cutover set or moved) wakes the runs; the engine's own
                    // status writes to the Migration come every few seconds and must not.
                    String uid = o.path("metadata").path("uid").asText();
                    long generation = o.path("metadata").path("generation").asLong();
                    Long seen = migrationGenerations.put(uid, generation);
                    if (seen != null && seen != generation) {
                        String prefix = runKey(uid, "");
                        runs.forEach((key, run) -> {
                            if (key.startsWith(prefix)) {
                                run.poke(); // acted on now, not at the run's next poll
                            }
                        });
                    }
                } else {
                    migrationGenerations.remove(o.path("metadata").path("uid").asText());
                }
            }
            case NETWORK_MAP, STORAGE_MAP, HOOK -> requeueAll(ResourceKind.PLAN);
            case FORKLIFT_CONTROLLER -> scheduler.poke();
            default -> { }
        }
    }

    /**
     * A provider's inventory moved (a VM appeared or went, validation concerns changed): its plans' conditions
     * are recomputed after a short settle time, so a burst of changes (a full collection) costs one pass per plan.
     */
    private void onInventoryChange(String providerUid) {
        if (closed || !inventoryChanged.add(providerUid)) {
            return;
        }
        try {
            timers.schedule(() -> {
                inventoryChanged.remove(providerUid);
                requeuePlansOf(providerUid);
            }, INVENTORY_SETTLE_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inventoryChanged.remove(providerUid); // shutting down
        }
    }

    private void requeuePlansOf(String providerUid) {
        Set<String> refs = new HashSet<>();
        for (ObjectNode p : store.list(ResourceKind.PROVIDER, null)) {
            if (providerUid.equals(p.path("metadata").path("uid").asText())) {
                refs.add(p.path("metadata").path("namespace").asText() + "/" + p.path("metadata").path("name").asText());
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        for (ObjectNode plan : store.list(ResourceKind.PLAN, null)) {
            String ns = plan.path("metadata").path("namespace").asText();
            for (String side : List.of("source", "destination")) {
                var ref = plan.path("spec").path("provider").path(side);
                String refNs = ref.path("namespace").asText("");
                if (refs.contains((refNs.isEmpty() ? ns : refNs) + "/" + ref.path("name").asText())) {
                    enqueue(new Messages.Reconcile(ResourceKind.PLAN, ns, plan.path("metadata").path("name").asText()));
                    break;
                }
            }
        }
    }

    private void requeueAll(ResourceKind kind) {
        for (ObjectNode o : store.list(kind, null)) {
            enqueue(new Messages.Reconcile(kind, o.path("metadata").path("namespace").asText(), o.path("metadata").path("name").asText()));
        }
    }

    /** At most one pass per object at a time; requests during a pass schedule exactly one more. */
    private void enqueue(Messages.Reconcile r) {
        if (closed) {
            return;
        }
        PassState s = passes.computeIfAbsent(r, k -> new PassState());
        synchronized (s) {
            if (s.running) {
                s.again = true;
                return;
            }
            s.running = true;
        }
        long wait = Math.max(0, s.lastRun + MIN_PASS_INTERVAL_MS - System.currentTimeMillis());
        if (timers.isShutdown()) {
            return;
        }
        timers.schedule(() -> reconcilers.execute(() -> pass(r, s)), wait, TimeUnit.MILLISECONDS);
    }

    private void pass(Messages.Reconcile r, PassState s) {
        boolean requeueLater = false;
        try {
            requeueLater = reconcile(r);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "reconcile of " + r + " failed: " + t, t);
            requeueLater = true;
        } finally {
            boolean again;
            synchronized (s) {
                s.lastRun = System.currentTimeMillis();
                s.running = false;
                again = s.again;
                s.again = false;
            }
            if (again) {
                enqueue(r);
            } else if (requeueLater && !closed) {
                timers.schedule(() -> enqueue(r), 5, TimeUnit.SECONDS);
            }
        }
    }

    /** Returns true when the object should be looked at again soon. */
    private boolean reconcile(Messages.Reconcile r) {
        var stored = store.get(r.kind(), r.namespace(), r.name());
        if (stored.isEmpty()) {
            passes.remove(r);
            return false;
        }
        ObjectNode o = stored.get();
        return switch (r.kind()) {
            case PROVIDER -> reconcileProvider(o);
            case PLAN -> reconcilePlan(mapper.convertValue(o, Plan.class));
            case MIGRATION -> migrationController.reconcile(mapper.convertValue(o, Migration.class)).waiting();
            default -> false;
        };
    }

    private boolean reconcileProvider(ObjectNode provider) {
        ProviderController.Outcome out = providerController.reconcile(provider);
        writeStatusIfChanged(ResourceKind.PROVIDER, provider, out.conditions(), out.phase());
        return "Staging".equals(out.phase()) || "ConnectionFailed".equals(out.phase());
    }

    private final Set<String> archivedCleaned = ConcurrentHashMap.newKeySet();

    /** An archived plan's leftovers (of VMs that did not succeed) are removed once. */
    private void cleanUpArchived(Plan plan) {
        if (!plan.spec.isArchived() || plan.status == null || plan.status.migration == null
                || plan.status.migration.vms == null || plan.status.migration.history == null
                || plan.status.migration.history.isEmpty() || !archivedCleaned.add(plan.metadata.uid)) {
            return;
        }
        var last = plan.status.migration.history.get(plan.status.migration.history.size() - 1).migration;
        Messages.PlanKey key = new Messages.PlanKey(plan.namespace(), plan.name());
        for (var vm : plan.status.migration.vms) {
            if (Conditions.isTrue(vm.conditions, Conditions.SUCCEEDED) || vm.completed == null) {
                continue;
            }
            ctx.phases().execute(() -> {
                try {
                    new VmRun(ctx, new Messages.RunVm(key, last.name, last.uid, vm.id), r -> { }).archive();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "archive cleanup of VM " + vm.id + " in plan " + key + " failed: " + e.getMessage());
                }
            });
        }
    }

    private boolean reconcilePlan(Plan plan) {
        if (!Conditions.isTrue(plan.status == null ? null : plan.status.conditions, Conditions.EXECUTING)) {
            cleanUpArchived(plan);
        }
        List<Condition> wanted = planController.conditions(plan);
        List<Condition> current = plan.status == null ? null : plan.status.conditions;
        if (sameConditions(current, wanted)) {
            return false;
        }
        Messages.PlanKey key = new Messages.PlanKey(plan.namespace(), plan.name());
        Long generation = plan.metadata.generation;
        status.updatePlan(key, p -> {
            if (p.status == null) {
                p.status = new Plan.Status();
            }
            List<Condition> next = new ArrayList<>();
            for (Condition c : wanted) {
                next = Conditions.set(p.status.conditions, c, Instant.now());
                p.status.conditions = next;
            }
            Set<String> keep = new HashSet<>();
            wanted.forEach(c -> keep.add(c.type));
            p.status.conditions = new ArrayList<>(p.status.conditions == null ? List.of() : p.status.conditions);
            p.status.conditions.removeIf(c -> !keep.contains(c.type) && !Boolean.TRUE.equals(c.durable));
            p.status.observedGeneration = generation;
        }).join();
        return false;
    }

    private void writeStatusIfChanged(ResourceKind kind, ObjectNode o, List<Condition> wanted, String phase) {
        List<Condition> current = new ArrayList<>();
        o.path("status").path("conditions").forEach(c -> current.add(mapper.convertValue(c, Condition.class)));
        if (sameConditions(current, wanted) && Objects.equals(o.path("status").path("phase").asText(null), phase)) {
            return;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            ObjectNode fresh = attempt == 0 ? o.deepCopy() : store.get(kind, o.path("metadata").path("namespace").asText(),
                    o.path("metadata").path("name").asText()).orElse(null);
            if (fresh == null) {
                return;
            }
            List<Condition> stored = new ArrayList<>();
            fresh.path("status").path("conditions").forEach(c -> stored.add(mapper.convertValue(c, Condition.class)));
            List<Condition> list = stored;
            List<Condition> next = new ArrayList<>();
            for (Condition c : wanted) {
                list = Conditions.set(list, c, Instant.now());
            }
            for (Condition c : list) {
                if (wanted.stream().anyMatch(w -> w.type.equals(c.type))) {
                    next.add(c);
                }
            }
            ObjectNode st = fresh.with("status");
            st.set("conditions", mapper.valueToTree(next));
            if (phase != null) {
                st.put("phase", phase);
            }
            st.put("observedGeneration", fresh.path("metadata").path("generation").asLong());
            try {
                store.updateStatus(kind, fresh);
                return;
            } catch (StoreException.Conflict c) {
                // re-read and retry
            }
        }
    }

    /** Equal when the same types have the same status, reason, category and message (times ignored). */
    static boolean sameConditions(List<Condition> a, List<Condition> b) {
        List<Condition> x = a == null ? List.of() : a;
        List<Condition> y = b == null ? List.of() : b;
        if (x.size() != y.size()) {
            return false;
        }
        for (Condition c : y) {
            Condition d = x.stream().filter(e -> Objects.equals(e.type, c.type)).findFirst().orElse(null);
            if (d == null || !Objects.equals(d.status, c.status) || !Objects.equals(d.reason, c.reason)
                    || !Objects.equals(d.category, c.category) || !Objects.equals(d.message, c.message)
                    || !Objects.equals(d.items, c.items)) {
                return false;
            }
        }
        return true;
    }

    private void startRun(Messages.RunVm msg) {
        String key = runKey(msg.migrationUid(), msg.vmId());
        VmRun run = new VmRun(ctx, msg, finished -> {
            runs.remove(key);
            enqueue(new Messages.Reconcile(ResourceKind.MIGRATION, msg.plan().namespace(), msg.migrationName()));
            enqueue(new Messages.Reconcile(ResourceKind.PLAN, msg.plan().namespace(), msg.plan().name()));
        });
        if (runs.putIfAbsent(key, run) == null) {
            run.start();
        }
    }

    private static String runKey(String migrationUid, String vmId) {
        return migrationUid + "/" + vmId;
    }

    /** Number of VMs currently being run by this engine. */
    public int activeRuns() {
        return runs.size();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        if (inventorySubscription != null) {
            try {
                inventorySubscription.close();
            } catch (Exception ignored) {
                // removing a listener from a list does not fail
            }
        }
        consumers.forEach(MessageConsumer::unregister);
        timers.shutdownNow();
        reconcilers.shutdownNow();
        ctx.phases().shutdownNow();
        ctx.copies().shutdownNow();
        status.close();
        providers.close();
    }

    /** How long the engine waits before re-checking a waiting object. */
    public static Duration requeueDelay() {
        return Duration.ofSeconds(5);
    }
}
