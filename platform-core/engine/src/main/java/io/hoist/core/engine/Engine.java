package io.hoist.core.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.RecordCodec;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.controller.MigrationController;
import io.hoist.core.engine.controller.PlanController;
import io.hoist.core.engine.controller.ProviderController;
import io.hoist.core.engine.reconcile.ObjectReconciler;
import io.hoist.core.engine.reconcile.ReconcileQueue;
import io.hoist.core.engine.reconcile.WatchRouter;
import io.hoist.core.engine.run.ArchiveCleanup;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.run.PhaseHandlers;
import io.hoist.core.engine.run.RetryPolicy;
import io.hoist.core.engine.run.RunMeters;
import io.hoist.core.engine.run.RunPlacement;
import io.hoist.core.engine.run.RunRegistry;
import io.hoist.core.engine.run.VmLoader;
import io.hoist.core.engine.run.VmRun;
import io.hoist.core.engine.run.phase.Cleanup;
import io.hoist.core.engine.run.phase.ConvertGuestPhase;
import io.hoist.core.engine.run.phase.CreateVmPhase;
import io.hoist.core.engine.run.phase.Delays;
import io.hoist.core.engine.run.phase.DiskPhases;
import io.hoist.core.engine.run.phase.HookPhases;
import io.hoist.core.engine.run.phase.PowerPhases;
import io.hoist.core.engine.run.phase.ProviderPhase;
import io.hoist.core.engine.run.phase.WarmPhases;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.HostServices;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.scheduler.CopyJobs;
import io.hoist.core.engine.scheduler.DiskCopyConsumers;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.engine.scheduler.VmAdmission;
import io.hoist.core.engine.runtime.SourceLookups;
import io.hoist.core.engine.run.RunAdmission;
import io.hoist.core.engine.run.Placements;
import io.hoist.core.engine.run.TargetContexts;
import io.hoist.core.engine.status.ProgressStatus;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.store.ResourceStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The migration engine, composed: a {@link WatchRouter} turns store changes into reconcile requests, a
 * {@link ReconcileQueue} runs one {@link ObjectReconciler} pass per object at a time, the {@link MigrationController}
 * sends VM runs over the event bus to the {@link RunRegistry}, whose {@link VmRun}s walk their itineraries with the
 * phase handlers, and the {@link StatusWriter} is the single writer of Plan and Migration status. Everything needed
 * to resume is in the store, so a restarted engine continues every unfinished migration where it stopped.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    /** Minimum time between two passes over the same object: status churn during a big run is coalesced. */
    private static final Duration MIN_PASS_INTERVAL = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final ResourceStore store;
    private final HostServices services;
    private final EngineSettings settings;
    private final ProviderRuntime providers;
    private final StatusWriter status;
    private final TransferScheduler scheduler;
    private final VmAdmission admission;
    private final CopyJobs copyJobs;
    private final DiskCopyConsumers copyConsumers;
    private final ProgressStatus progressStatus;
    private final ScheduledExecutorService timer = Threads.timer("hoist-engine-timer");
    private final ExecutorService reconcilers = Threads.virtualPerTask("hoist-reconcile");
    private final ExecutorService runs = Threads.virtualPerTask("hoist-vm");
    private final ExecutorService copies = Threads.virtualPerTask("hoist-disk-copy");
    private final ExecutorService events = Threads.virtualSerial("hoist-watch");
    private final ReconcileQueue queue;
    private final WatchRouter router;
    private final RunRegistry registry;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    private volatile RetryPolicy retry = RetryPolicy.DEFAULT;
    private ResourceStore.Watch watch;
    private AutoCloseable inventorySubscription;
    private Duration resyncEvery = Duration.ofSeconds(15);
    /** Plan validation's remembered descriptions and target checks, swept at each resync. */
    private final SourceLookups lookups;
    /** Settings and OS maps of target specs, read once per change (plan validation and VM runs share them). */
    private final TargetContexts targets;
    private final VmLoader loader;
    private volatile boolean closed;
    /** Which node runs each VM: this engine's own registry in one process. */
    private volatile RunPlacement placement = RunPlacement.LOCAL;
    private Role role = Role.ALL;

    /**
     * What this engine does: everything (one process), or on nodes sharing a store either the controllers (the
     * elected node: reconcile passes, dispatch of VM runs to nodes) or the runs (every node: the VM runs placed on it
     * and their disk copies).
     */
    public enum Role {
        ALL(true, true), CONTROLLERS(true, false), RUNS(false, true);

        final boolean controllers;
        final boolean runs;

        Role(boolean controllers, boolean runs) {
            this.controllers = controllers;
            this.runs = runs;
        }
    }

    public Engine(Vertx vertx, ResourceStore store, Extensions extensions, HostServices services, DiskCopyService copier) {
        this(vertx, store, extensions, services, copier, RunMeters.NONE);
    }

    /** As above, counting the runs' retries in {@code meters}. */
    public Engine(Vertx vertx, ResourceStore store, Extensions extensions, HostServices services, DiskCopyService copier,
                  RunMeters meters) {
        this.vertx = vertx;
        this.store = store;
        this.services = services;
        ObjectMapper mapper = Resources.MAPPER;
        this.settings = new EngineSettings(services.settings());
        this.providers = new ProviderRuntime(extensions, services, store);
        this.status = new StatusWriter(store, mapper);
        this.scheduler = new TransferScheduler(settings::maxVmInflight, settings::maxDisksInflightTotal);
        this.admission = new VmAdmission(settings::maxVmInflight, settings::maxDisksInflightTotal);
        lookups = new SourceLookups(extensions, services.inventoryView());
        Placements placements = new Placements();

        this.targets = new TargetContexts(store, extensions);
        this.loader = new VmLoader(store, mapper, providers, status, targets);
        Delays delays = new Delays(timer);
        this.copyJobs = new CopyJobs();
        this.copyConsumers = new DiskCopyConsumers(vertx, scheduler, copyJobs, copies);
        this.progressStatus = new ProgressStatus(status);
        DiskPhases disks = new DiskPhases(scheduler, copyJobs, round -> {
            copyConsumers.ensure(round.hostKey());
            vertx.eventBus().send(Addresses.diskCopy(round.hostKey()), round);
        }, copier, settings::hostBandwidthMibps, settings::transferChecksum, delays);
        // the cutover is in the Migration's spec: read without its VM entries (as many as the plan has)
        WarmPhases warm = new WarmPhases(disks, delays, settings::precopyInterval, vm -> store
                .getWithoutItems(ResourceKind.MIGRATION, vm.message().plan().namespace(), vm.message().migrationName())
                .map(n -> mapper.convertValue(n, Migration.class))
                .map(m -> m.spec == null ? null : WarmPhases.cutoverTime(m.spec.cutover)).orElse(null), meters);
        HookPhases hooks = new HookPhases(extensions, loader, mapper, store, services);
        PhaseHandlers handlers = new PhaseHandlers(new PowerPhases(delays), hooks, disks, warm,
                new ConvertGuestPhase(extensions, disks, settings::controller,
                new io.hoist.core.engine.hooks.StepLogs(services.dataDir())), new CreateVmPhase(disks, run -> placement.checkStillPlaced(run)), new ProviderPhase(extensions, delays));
        Cleanup cleanup = new Cleanup(disks, warm);
        RunAdmission runAdmission = new RunAdmission(admission, lookups, placements);
        VmRun.Services runServices = new VmRun.Services(loader, handlers, cleanup, delays, () -> retry, runs, () -> closed, meters,
                runAdmission, run -> placement.checkStillPlaced(run));
        this.registry = new RunRegistry(runServices, msg -> {
            placement.ended(msg);
            // Only the Migration looks again: its pass completes the run and writes the plan's conditions, whose change
            // brings the plan's own pass. A plan pass per VM end re-read and re-validated every VM of a big plan.
            Messages.Reconcile again = new Messages.Reconcile(ResourceKind.MIGRATION, msg.plan().namespace(), msg.migrationName());
            if (role.controllers) {
                enqueue(again);
            } else if (!closed) {
                vertx.eventBus().send(Addresses.RECONCILE, again); // to the node running the controllers
            }
        });
        providers.onSourceVmChange(new io.hoist.core.engine.run.SourceVmChangeConditions(registry));

        ProviderController providerController = new ProviderController(store, providers, extensions, services,
                uid -> requeueAll(ResourceKind.PLAN));
        PlanController planController = new PlanController(store, mapper, providers, extensions, services.inventoryView(), lookups,
                placements, targets);
        MigrationController migrationController = new MigrationController(store, mapper, status, new MigrationController.Runs() {
            @Override
            public boolean isRunning(String migrationUid, String vmId) {
                return registry.isRunning(migrationUid, vmId) || placement.runningElsewhere(migrationUid, vmId);
            }

            @Override
            public void dispatch(Messages.RunVm run) {
                RunPlacement.SourceHost host = placements.get(run.plan(), run.vmId())
                        .map(p -> new RunPlacement.SourceHost(true, p.hostId())).orElse(RunPlacement.SourceHost.UNKNOWN);
                placement.dispatch(vertx, run, host).ifPresent(why -> status.updateVm(run.plan(), run.migrationName(), run.vmId(),
                        v -> io.hoist.core.engine.run.VmStatusEditor.setCondition(v, io.hoist.core.model.meta.Condition.of(
                                NOT_PLACED, io.hoist.core.model.meta.Condition.TRUE,
                                io.hoist.core.model.meta.Condition.CATEGORY_WARN, "NoNodeFits", why))));
            }

            @Override
            public void cancel(Messages.CancelVms cancel) {
                vertx.eventBus().publish(Addresses.VM_CANCEL, cancel);
            }

            @Override
            public String waitingReason() {
                return runAdmission.waitingReason();
            }
        });
        ObjectReconciler reconciler = new ObjectReconciler(store, mapper, status, providerController, planController,
                migrationController, new ArchiveCleanup(loader, cleanup, hooks, runs));
        this.queue = new ReconcileQueue(r -> {
            boolean again = role.controllers ? reconciler.reconcile(r) : connect(providerController, r);
            if (store.getWithoutItems(r.kind(), r.namespace(), r.name()).isEmpty()) {
                queue().forget(r);
            }
            return again;
        }, timer, reconcilers, MIN_PASS_INTERVAL, requeueDelay(), MAX_REQUEUE_DELAY);
        this.router = new WatchRouter(store, new WatchRouter.Targets() {
            @Override
            public void enqueue(Messages.Reconcile r) {
                Engine.this.enqueue(r);
            }

            @Override
            public void providerDeleted(String uid, String type) {
                providers.remove(uid, type);
            }

            @Override
            public void migrationDeleted(String migrationUid, Messages.PlanKey plan) {
                java.util.List<String> vms = registry.vmIdsOf(migrationUid);
                if (!vms.isEmpty()) {
                    vertx.eventBus().publish(Addresses.VM_CANCEL, new Messages.CancelVms(plan, migrationUid, vms));
                }
            }

            @Override
            public void planDeleted(Messages.PlanKey plan) {
                status.forget(plan);
                placements.forget(plan);
            }

            @Override
            public void migrationChanged(String migrationUid) {
                registry.poke(migrationUid);
            }

            @Override
            public void settingsChanged() {
                scheduler.poke();
                admission.poke();
            }
        }, events, timer);
    }

    private ReconcileQueue queue() {
        return queue;
    }

    /**
     * On a node that only runs VMs: connects a Provider and collects its inventory here too (a destination looks the
     * source VM up in this node's inventory), leaving its status to the controllers. True: look again later.
     */
    private boolean connect(ProviderController providers, Messages.Reconcile r) {
        if (r.kind() != ResourceKind.PROVIDER) {
            return false;
        }
        return store.getWithoutItems(r.kind(), r.namespace(), r.name()).map(p -> {
            String phase = providers.reconcile(p).phase();
            return "Staging".equals(phase) || "ConnectionFailed".equals(phase);
        }).orElse(false);
    }

    /** The disk-copy consumers of this node (one per source host, taking copies off the bus by credit). */
    public DiskCopyConsumers copyConsumers() {
        return copyConsumers;
    }

    public TransferScheduler scheduler() {
        return scheduler;
    }

    /** Which VM runs may start (MTV's plan scheduler): a VM waits for its place before its first phase. */
    public VmAdmission admission() {
        return admission;
    }

    public ProviderRuntime providers() {
        return providers;
    }

    /** The settings as the engine reads them (tests shorten the precopy interval here). */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * How often every plan and migration is looked at again whatever happened (a safety net under the
     * event-driven passes); set before {@link #start()}. Tests lengthen it to prove the events alone suffice.
     */
    public Engine resyncEvery(Duration every) {
        this.resyncEvery = every;
        return this;
    }

    /** How UNAVAILABLE failures are retried; set before {@link #start()} (tests shorten the backoff). */
    public Engine retryPolicy(RetryPolicy policy) {
        this.retry = policy;
        return this;
    }

    /** Which node runs each VM (nodes sharing a store); set before {@link #start()}. */
    public Engine placement(RunPlacement placement) {
        this.placement = placement;
        return this;
    }

    /** What this engine does (nodes sharing a store); set before {@link #start()}. */
    public Engine role(Role role) {
        this.role = role;
        return this;
    }

    /** A VM condition naming the node that runs (or ran) the VM: MTV's VM status has no field for it. */
    public static final String PLACED = "Placed";
    /** A VM condition: no node can take the VM's run now (none with the labels its provider asks for). */
    public static final String NOT_PLACED = "NotPlaced";

    private void startRun(Messages.RunVm run) {
        placement.started(run); // first: the Placed write below is checked against the epoch the node holds
        String node = placement.nodeName();
        if (node != null && !registry.isRunning(run.migrationUid(), run.vmId())) {
            // the VM may have run on another node since this one read the plan: its entry is read again
            status.forget(run.plan());
            status.updateVm(run.plan(), run.migrationName(), run.vmId(), v -> {
                io.hoist.core.engine.run.VmStatusEditor.removeCondition(v, NOT_PLACED);
                io.hoist.core.engine.run.VmStatusEditor.setCondition(v, io.hoist.core.model.meta.Condition.of(PLACED,
                        io.hoist.core.model.meta.Condition.TRUE, io.hoist.core.model.meta.Condition.CATEGORY_ADVISORY,
                        "NodeAssigned", "run by node " + node));
            });
        }
        registry.start(run);
    }

    /** Starts watching and resumes every unfinished migration. */
    public void start() {
        RecordCodec.registerAll(vertx.eventBus());
        if (role == Role.CONTROLLERS) {
            status.readThrough(); // the VM entries are written by the nodes' engines
        }
        if (role.runs) {
            consumers.add(vertx.eventBus().<Messages.RunVm>consumer(placement.runAddress(), m -> {
                startRun(m.body());
                if (m.replyAddress() != null) {
                    m.reply(null); // a placing leader waits for this: a run nobody took is placed again
                }
            }));
            consumers.add(vertx.eventBus().<Messages.CancelVms>consumer(Addresses.VM_CANCEL, m -> registry.cancel(m.body())));
            // A round's result and progress concern the node that runs the VM (its copy jobs, its status writes)
            consumers.add(vertx.eventBus().<Messages.CopyDone>localConsumer(Addresses.DISK_COPY_DONE, m -> copyJobs.finish(m.body())));
            consumers.add(vertx.eventBus().<Messages.DiskProgress>localConsumer(Addresses.DISK_PROGRESS, m -> progressStatus.accept(m.body())));
        }
        if (role.controllers) {
            consumers.add(vertx.eventBus().<Messages.Reconcile>consumer(Addresses.RECONCILE, m -> enqueue(m.body())));
        }
        // Without item lists: routing needs names and generations, never thousands of VM entries per event. A node
        // that only runs VMs watches too: deleted migrations and providers, spec changes its waiting runs look at.
        watch = store.watchWithoutItems(null, null, store.currentVersion(), router.listener());
        inventorySubscription = services.onInventoryChange(router.inventoryListener());
        timer.scheduleWithFixedDelay(() -> events.execute(() -> router.requeueAll(ResourceKind.PROVIDER)), 60, 60, TimeUnit.SECONDS);
        router.requeueAll(ResourceKind.PROVIDER);
        if (!role.controllers) {
            return;
        }
        placement.onNodeLost(() -> requeueAll(ResourceKind.MIGRATION));
        for (ResourceKind k : List.of(ResourceKind.PLAN, ResourceKind.MIGRATION)) {
            router.requeueAll(k);
        }
        // Level-triggered safety net: every object is looked at again periodically.
        timer.scheduleWithFixedDelay(() -> events.execute(() -> {
            router.requeueAll(ResourceKind.PLAN);
            router.requeueAll(ResourceKind.MIGRATION);
            lookups.sweep();
        }), resyncEvery.toMillis(), resyncEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void enqueue(Messages.Reconcile r) {
        if (!closed && (role.controllers || r.kind() == ResourceKind.PROVIDER)) {
            queue.enqueue(r);
        }
    }

    private void requeueAll(ResourceKind kind) {
        if (!closed) {
            router.requeueAll(kind);
        }
    }

    /** Number of VMs currently being run by this engine. */
    public int activeRuns() {
        return registry.active();
    }

    /**
     * Stops intake (watch, bus consumers, queue), lets VM runs stop at their durable phase, flushes the status
     * writer, then closes the plugins. Quiet: nothing here fails a VM or prints a stack trace.
     */
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
        copyConsumers.close();
        router.close();
        queue.close();
        timer.shutdownNow();
        events.shutdownNow();
        reconcilers.shutdownNow();
        runs.shutdownNow();
        copies.shutdownNow();
        status.close();
        targets.close();
        loader.close();
        if (services.settings() instanceof LiveSettings live) {
            live.close(); // made for this engine (Platform, EngineHarness); closed, it reads the store at each use
        }
        providers.close();
        LOG.log(System.Logger.Level.DEBUG, "engine stopped");
    }

    /** The longest wait before re-checking an object that keeps waiting or failing (the requeue backs off to it). */
    static final Duration MAX_REQUEUE_DELAY = Duration.ofMinutes(1);

    /** How long the engine waits before first re-checking a waiting object (doubling to {@link #MAX_REQUEUE_DELAY}). */
    public static Duration requeueDelay() {
        return Duration.ofSeconds(5);
    }
}
