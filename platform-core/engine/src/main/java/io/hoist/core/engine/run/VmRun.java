package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.HoistException;
import io.hoist.api.convert.GuestConverter;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.Snapshots;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.bus.Messages.PlanKey;
import io.hoist.core.engine.itinerary.Flags;
import io.hoist.core.engine.itinerary.Itinerary;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.StorageMap;
import io.hoist.core.model.resource.VmStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One VM's walk along its itinerary. The current phase is durable on the plan status; every handler
 * is idempotent, so after a crash the VM re-enters its last phase and continues (disk copies from
 * their checkpoints, VM creation by adoption). In-memory state here is only a cache of what can be
 * derived again.
 */
public final class VmRun {
    private static final System.Logger LOG = System.getLogger(VmRun.class.getName());
    static final String ANN_PREFIX = "hoist.io/";

    private final EngineContext ctx;
    private final Messages.RunVm msg;
    private final Consumer<VmRun> onFinished;
    private volatile boolean canceled;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    // Derived state, rebuilt after a restart.
    private Plan plan;
    private Plan.Vm planVm;
    private ProviderRuntime.Instance sourceInstance;
    private ProviderRuntime.Instance destinationInstance;
    private SourceVm sourceVm;
    private TargetVmSpec target;
    private Itinerary itinerary;
    private List<AllocatedDisk> allocated;
    private Phase phase;
    private CompletableFuture<TransferScheduler.Lease> pendingLease;
    private TransferScheduler.Lease lease;
    private CompletableFuture<List<DiskCopyService.Result>> copying;
    private final Map<String, Long> lastProgressWrite = new ConcurrentHashMap<>();

    public VmRun(EngineContext ctx, Messages.RunVm msg, Consumer<VmRun> onFinished) {
        this.ctx = ctx;
        this.msg = msg;
        this.onFinished = onFinished;
    }

    public Messages.RunVm message() {
        return msg;
    }

    public CompletableFuture<Void> finished() {
        return finished;
    }

    /** Starts or resumes the VM at its durable phase. */
    public void start() {
        ctx.phases().execute(this::advance);
    }

    /**
     * Archive: removes what a failed or canceled VM left behind (partial disks, snapshots) without
     * touching a created VM. Runs on the caller's thread.
     */
    public void archive() throws Exception {
        synchronized (walking) {
            load();
            String error = cleanUp(Destination.CleanupReason.ARCHIVED, false);
            if (error != null) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ArchiveCleanupFailed", error);
            }
        }
    }

    /** The wait between precopy rounds, if the run is in one. */
    private volatile CompletableFuture<Void> precopyWait;

    /**
     * The Migration changed (e.g. its cutover time was set): a run waiting between precopy rounds looks again at
     * once instead of at its next poll, so the source is powered off for cutover without delay.
     */
    public void poke() {
        CompletableFuture<Void> wait = precopyWait;
        if (wait != null) {
            wait.complete(null);
        }
    }

    /** Asks the run to stop at the next safe point and clean up as canceled. */
    public void cancel() {
        canceled = true;
        CompletableFuture<?> waiting = pendingLease;
        if (waiting != null) {
            waiting.cancel(false);
        }
        ctx.phases().execute(this::advance);
    }

    // ---- the walker ----

    private final Object walking = new Object();

    private void advance() {
        synchronized (walking) {
            if (finished.isDone()) {
                return;
            }
            try {
                if (plan == null) {
                    load();
                }
                while (true) {
                    if (canceled) {
                        finishCanceled();
                        return;
                    }
                    if (phase == Phase.Completed) {
                        finishSucceeded();
                        return;
                    }
                    Outcome outcome = runPhase(phase);
                    if (outcome instanceof Outcome.Next) {
                        Phase next = itinerary.next(phase);
                        transition(phase, next);
                        phase = next;
                    } else if (outcome instanceof Outcome.Wait w) {
                        if (w.reason() != null) {
                            setPending(w.reason());
                        }
                        w.until().whenComplete((v, e) -> ctx.phases().execute(this::advance));
                        return;
                    } else if (outcome instanceof Outcome.Fail f) {
                        finishFailed(f.reason());
                        return;
                    }
                }
            } catch (Throwable t) {
                if (canceled) {
                    finishCanceled();
                } else {
                    finishFailed(describe(t));
                }
            }
        }
    }

    private void load() throws Exception {
        plan = ctx.status().plan(msg.plan())
                .orElseThrow(() -> new IllegalStateException("plan " + msg.plan() + " no longer exists"));
        VmStatus entry = entry();
        planVm = plan.spec.vms.stream().filter(v -> Objects.equals(planVmId(v), msg.vmId())).findFirst()
                .orElseThrow(() -> new IllegalStateException("VM " + msg.vmId() + " is no longer in plan " + msg.plan()));
        sourceInstance = provider(plan.spec.provider.source);
        destinationInstance = provider(plan.spec.provider.destination);
        boolean warm = Plan.TYPE_WARM.equals(plan.spec.migrationType());
        itinerary = Itinerary.forFlags(new Flags(warm, hook(planVm, "PreHook").isPresent(), hook(planVm, "PostHook").isPresent()));
        phase = entry.phase == null || entry.phase.isEmpty() ? itinerary.first() : Phase.valueOf(entry.phase);
        if (!itinerary.contains(phase)) {
            phase = itinerary.first();
        }
    }

    /** The id a plan VM is known by in status: its id, else its name. */
    public static String planVmId(Plan.Vm v) {
        return v.id != null && !v.id.isEmpty() ? v.id : v.name;
    }

    private ProviderRuntime.Instance provider(io.hoist.core.model.meta.Ref ref) {
        ObjectNode p = ctx.store().get(ResourceKind.PROVIDER, ns(ref.namespace), ref.name)
                .orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR, "ProviderNotFound",
                        "provider " + ns(ref.namespace) + "/" + ref.name + " not found"));
        ObjectNode secret = null;
        var secretRef = p.path("spec").path("secret");
        if (secretRef.hasNonNull("name")) {
            secret = ctx.store().get(ResourceKind.SECRET, secretRef.path("namespace").asText(ns(null)),
                    secretRef.path("name").asText()).orElse(null);
        }
        return ctx.providers().ensure(p, secret);
    }

    private String ns(String namespace) {
        return namespace == null || namespace.isEmpty() ? msg.plan().namespace() : namespace;
    }

    private SourceProvider source() {
        return sourceInstance.source().orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR,
                "SourceProviderNotValid", "provider " + sourceInstance.config().name() + " is not a migration source"));
    }

    private Destination destination() {
        return destinationInstance.destination().orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR,
                "DestinationProviderNotValid", "provider " + destinationInstance.config().name() + " is not a migration destination"));
    }

    // ---- phases ----

    private Outcome runPhase(Phase p) throws Exception {
        return switch (p) {
            case Started -> started();
            case PreHook -> runHook("PreHook");
            case StorePowerState -> storePowerState();
            case PowerOffSource, PowerOffSourceForCutover -> powerOffSource();
            case CreateInitialSnapshot -> createSnapshot();
            case AllocateDisks -> allocateDisks();
            case CopyDisks -> copyDisks(false);
            case Precopy -> precopy();
            case CreateFinalSnapshot -> createSnapshot();
            case CopyFinalDelta -> copyDisks(true);
            case RemoveFinalSnapshot -> removeLastSnapshot();
            case ConvertGuest -> convertGuest();
            case CreateVm -> createVm();
            case PostHook -> runHook("PostHook");
            case Completed -> Outcome.NEXT;
        };
    }

    private Outcome started() throws Exception {
        ensureSourceVm();
        return Outcome.NEXT;
    }

    private void ensureSourceVm() throws Exception {
        if (sourceVm == null) {
            sourceVm = source().describe(new VmRef(planVm.id, planVm.name)).orElseThrow(() ->
                    new HoistException(HoistException.Type.USER_ERROR, "VMNotFound", "VM " + msg.vmId() + " not found on the source provider"));
        }
    }

    private TargetVmSpec ensureTarget() throws Exception {
        if (target == null) {
            ensureSourceVm();
            VmStatus entry = entry();
            boolean wasRunning = "On".equals(entry.restorePowerState);
            NetworkMap nm = read(ResourceKind.NETWORK_MAP, ns(plan.spec.map.network.namespace), plan.spec.map.network.name, NetworkMap.class).orElse(null);
            StorageMap sm = read(ResourceKind.STORAGE_MAP, ns(plan.spec.map.storage.namespace), plan.spec.map.storage.name, StorageMap.class).orElse(null);
            try {
                target = TargetSpecBuilder.build(sourceVm, plan, planVm, nm, sm, plan.metadata.uid, msg.migrationUid(), wasRunning,
                        sourceInstance.config().uid());
            } catch (TargetSpecBuilder.SpecException e) {
                throw new HoistException(HoistException.Type.USER_ERROR, e.conditionType(), e.getMessage());
            }
        }
        return target;
    }

    private Outcome storePowerState() throws Exception {
        ensureSourceVm();
        VmStatus entry = entry();
        if (entry.restorePowerState == null) {
            PowerState state = source().powerState(sourceVm);
            String value = state == PowerState.ON ? "On" : "Off";
            updateVm(true, v -> v.restorePowerState = value);
        }
        return Outcome.NEXT;
    }

    private Outcome powerOffSource() throws Exception {
        ensureSourceVm();
        PowerState state = source().powerState(sourceVm);
        if (state == PowerState.OFF) {
            return Outcome.NEXT;
        }
        source().powerOff(sourceVm);
        if (source().powerState(sourceVm) == PowerState.OFF) {
            return Outcome.NEXT;
        }
        return Outcome.waitFor(delay(Duration.ofSeconds(2)), "waiting for the source VM to power off");
    }

    private Outcome createSnapshot() throws Exception {
        ensureSourceVm();
        Snapshots snaps = snapshots();
        VmStatus entry = entry();
        // Idempotent: a snapshot recorded for this phase (open precopy without end) is reused.
        VmStatus.Precopy open = lastPrecopy(entry).filter(p -> p.end == null && p.snapshot != null).orElse(null);
        if (open == null) {
            SnapshotRef ref = snaps.createSnapshot(sourceVm, "hoist " + msg.migrationName());
            recordSnapshot(ref);
        }
        return Outcome.NEXT;
    }

    private void recordSnapshot(SnapshotRef ref) {
        String now = now();
        updateVm(true, v -> {
            if (v.warm == null) {
                v.warm = new VmStatus.Warm();
                v.warm.successes = 0;
                v.warm.failures = 0;
                v.warm.consecutiveFailures = 0;
            }
            if (v.warm.precopies == null) {
                v.warm.precopies = new ArrayList<>();
            }
            VmStatus.Precopy p = new VmStatus.Precopy();
            p.start = now;
            p.snapshot = ref.id();
            p.deltas = new ArrayList<>();
            ref.changeIds().forEach((disk, change) -> {
                VmStatus.Delta d = new VmStatus.Delta();
                d.disk = disk;
                d.deltaId = change;
                p.deltas.add(d);
            });
            v.warm.precopies.add(p);
        });
    }

    private Snapshots snapshots() {
        if (source() instanceof Snapshots s) {
            return s;
        }
        throw new HoistException(HoistException.Type.NOT_SUPPORTED, "MigrationTypeNotValid",
                "warm migration needs snapshots, which the " + sourceInstance.config().type() + " provider does not support");
    }

    private Outcome allocateDisks() throws Exception {
        ensureAllocated();
        return Outcome.NEXT;
    }

    private List<AllocatedDisk> ensureAllocated() throws Exception {
        if (allocated == null) {
            TargetVmSpec spec = ensureTarget();
            List<io.hoist.api.Condition> problems = destination().validateTarget(spec);
            for (io.hoist.api.Condition c : problems) {
                if (c.category() == io.hoist.api.Condition.Category.Critical || c.category() == io.hoist.api.Condition.Category.Error) {
                    throw new HoistException(HoistException.Type.USER_ERROR, c.type(), c.message());
                }
            }
            allocated = destination().allocateDisks(spec);
        }
        return allocated;
    }

    /**
     * Copies every disk: the whole allocation map on a cold copy or a warm initial copy, only
     * the changed areas on a warm delta. Waits for transfer slots first (backpressure).
     */
    private Outcome copyDisks(boolean finalDelta) throws Exception {
        if (copying != null) {
            if (!copying.isDone()) {
                return Outcome.waitFor(copying, null);
            }
            List<DiskCopyService.Result> results;
            try {
                results = copying.join();
            } finally {
                copying = null;
                releaseLease();
            }
            if (canceled) {
                return Outcome.waitFor(CompletableFuture.completedFuture(null), null);
            }
            for (DiskCopyService.Result r : results) {
                if (!Objects.equals(r.sourceChecksum(), r.targetChecksum())) {
                    return Outcome.fail("checksum mismatch: source " + r.sourceChecksum() + ", target " + r.targetChecksum());
                }
            }
            if (finalDelta) {
                removePreviousSnapshot();
            }
            markPrecopyDone();
            return Outcome.NEXT;
        }
        List<AllocatedDisk> disks = ensureAllocated();
        if (lease == null) {
            if (pendingLease == null) {
                int cap = planInt("hoist.io/max-inflight-disks");
                pendingLease = ctx.scheduler().acquire(hostKey(), msg.plan().toString(), disks.size(), cap);
            }
            if (!pendingLease.isDone()) {
                return Outcome.waitFor(pendingLease, "waiting: in-flight limit reached (max " + ctx.scheduler().limit() + ")");
            }
            if (pendingLease.isCancelled()) {
                pendingLease = null;
                return Outcome.waitFor(CompletableFuture.completedFuture(null), null);
            }
            lease = pendingLease.join();
            pendingLease = null;
            clearPending();
        }
        copying = startCopies(disks, finalDelta);
        return Outcome.waitFor(copying, null);
    }

    private String hostKey() {
        String host = sourceVm == null ? null : sourceVm.hostId();
        return sourceInstance.config().uid() + "/" + (host == null || host.isEmpty() ? "-" : host);
    }

    private int planInt(String annotation) {
        if (plan.metadata == null || plan.metadata.annotations == null) {
            return 0;
        }
        try {
            return Integer.parseInt(plan.metadata.annotations.getOrDefault(annotation, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private CompletableFuture<List<DiskCopyService.Result>> startCopies(List<AllocatedDisk> disks, boolean finalDelta) throws Exception {
        VmStatus entry = entry();
        boolean warm = itinerary.contains(Phase.Precopy);
        List<VmStatus.Precopy> precopies = entry.warm == null || entry.warm.precopies == null ? List.of() : entry.warm.precopies;
        VmStatus.Precopy current = precopies.isEmpty() ? null : precopies.get(precopies.size() - 1);
        VmStatus.Precopy previous = precopies.size() >= 2 ? precopies.get(precopies.size() - 2) : null;
        Map<String, Double> budgets = budgets();
        ChecksumMode checksum = checksumMode();
        List<CompletableFuture<DiskCopyService.Result>> futures = new ArrayList<>();
        int round = precopies.size();
        for (AllocatedDisk a : disks) {
            SourceDisk sd = sourceVm.disks().stream().filter(d -> d.id().equals(a.disk().sourceDiskId())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("source disk " + a.disk().sourceDiskId() + " vanished"));
            SnapshotRef snap = warm && current != null ? snapshotRef(current) : null;
            String digestsKey = msg.migrationUid() + "/" + msg.vmId() + "/" + sd.id();
            String key = digestsKey + (warm ? "/" + round : "");
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    List<Extent> extents = null;
                    if (warm && source() instanceof ChangedAreas ca) {
                        extents = ca.changedAreas(sourceVm, sd, previous == null ? null : snapshotRef(previous), snap);
                    }
                    try (DiskReader reader = source().openDisk(sourceVm, sd, snap);
                         DiskWriter writer = destination().openDisk(target, a)) {
                        DiskCopyService.Result r = ctx.copier().copy(new DiskCopyService.CopyRequest(key, digestsKey, sd.id(), reader, writer,
                                extents, budgets, p -> onProgress(sd, p), () -> canceled, checksum));
                        recordDiskResult(sd, r);
                        if (lease != null) {
                            lease.release(1);
                        }
                        ctx.copier().dropCheckpoint(key);
                        return r;
                    }
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, ctx.copies()));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }

    /**
     * The plan's {@code hoist.io/checksum} annotation, else the ForkliftController's {@code controller_transfer_checksum},
     * else sha256-4m. A value that is neither sha256-4m nor none fails the VM naming the field.
     */
    private ChecksumMode checksumMode() {
        String own = plan.metadata == null || plan.metadata.annotations == null ? null
                : plan.metadata.annotations.get("hoist.io/checksum");
        if (own != null) {
            return ChecksumMode.parse(own, "plan annotation hoist.io/checksum");
        }
        return ChecksumMode.parse(ctx.settings().get("controller_transfer_checksum", "sha256-4m"),
                "ForkliftController setting controller_transfer_checksum");
    }

    /** The budgets this VM's copies share: its source host's (from the settings) and its plan's (annotation). */
    private Map<String, Double> budgets() {
        Map<String, Double> b = new LinkedHashMap<>();
        double host;
        try {
            host = Double.parseDouble(ctx.settings().get("controller_host_bandwidth_mibps", "0").trim());
        } catch (NumberFormatException e) {
            host = 0;
        }
        b.put("host:" + hostKey(), host);
        b.put("plan:" + msg.plan(), (double) planInt("hoist.io/bandwidth-mibps"));
        return b;
    }

    private static SnapshotRef snapshotRef(VmStatus.Precopy p) {
        Map<String, String> changeIds = new HashMap<>();
        if (p.deltas != null) {
            p.deltas.forEach(d -> changeIds.put(d.disk, d.deltaId));
        }
        return new SnapshotRef(p.snapshot, changeIds);
    }

    private void onProgress(SourceDisk disk, TransferProgress p) {
        ctx.vertx().eventBus().publish(Addresses.DISK_PROGRESS,
                new Messages.DiskProgress(msg.plan(), msg.migrationUid(), msg.vmId(), p));
        long now = System.nanoTime();
        Long last = lastProgressWrite.get(disk.id());
        if (last != null && now - last < TimeUnit.SECONDS.toNanos(2) && p.bytesDone() < p.bytesTotal()) {
            return; // progress on the status is coalesced; the bus carries every report
        }
        lastProgressWrite.put(disk.id(), now);
        Step step = phase.step();
        updateVm(false, v -> {
            VmStatus.Step s = step(v, step);
            VmStatus.Task t = task(s, disk);
            t.progress = VmStatus.Progress.of(p.bytesDone() / (1024 * 1024), p.bytesTotal() / (1024 * 1024));
            t.phase = "Running";
            annotate(t, "rate-mibps", String.format(java.util.Locale.ROOT, "%.1f", p.bytesPerSecond() / (1024 * 1024)));
            annotate(t, "eta-seconds", Long.toString(p.etaSeconds()));
            sumTasks(s);
            annotate(s, "rate-mibps", String.format(java.util.Locale.ROOT, "%.1f", s.tasks.stream()
                    .mapToDouble(x -> parse(x.annotations == null ? null : x.annotations.get(ANN_PREFIX + "rate-mibps"))).sum()));
            annotate(s, "eta-seconds", Long.toString(p.etaSeconds()));
        });
    }

    private static double parse(String s) {
        try {
            return s == null ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void recordDiskResult(SourceDisk disk, DiskCopyService.Result r) {
        Step step = phase.step();
        updateVm(true, v -> {
            VmStatus.Step s = step(v, step);
            VmStatus.Task t = task(s, disk);
            long mb = r.bytesTotal() / (1024 * 1024);
            t.progress = VmStatus.Progress.of(mb, mb);
            t.phase = "Completed";
            t.completed = now();
            // Which checksum was used and whether the copy is verified; "none" never carries checksum values.
            annotate(t, "checksum", r.checksum().label());
            annotate(t, "verified", Boolean.toString(r.checksum().verifies() && r.sourceChecksum() != null
                    && r.sourceChecksum().equals(r.targetChecksum())));
            if (r.checksum().verifies()) {
                annotate(t, "source-checksum", r.sourceChecksum());
                annotate(t, "target-checksum", r.targetChecksum());
                annotate(s, "checksum." + disk.id() + ".source", r.sourceChecksum());
                annotate(s, "checksum." + disk.id() + ".target", r.targetChecksum());
            } else {
                for (String k : List.of("source-checksum", "target-checksum")) {
                    if (t.annotations != null) {
                        t.annotations.remove(ANN_PREFIX + k);
                    }
                }
                if (s.annotations != null) {
                    s.annotations.remove(ANN_PREFIX + "checksum." + disk.id() + ".source");
                    s.annotations.remove(ANN_PREFIX + "checksum." + disk.id() + ".target");
                }
            }
            annotate(t, "bytes-copied", Long.toString(r.bytesCopied()));
            annotate(t, "eta-seconds", "0");
            sumTasks(s);
        });
    }

    private static void sumTasks(VmStatus.Step s) {
        long done = 0;
        long total = 0;
        for (VmStatus.Task t : s.tasks) {
            if (t.progress != null) {
                done += t.progress.completed == null ? 0 : t.progress.completed;
                total += t.progress.total == null ? 0 : t.progress.total;
            }
        }
        s.progress = VmStatus.Progress.of(done, total);
    }

    private void releaseLease() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    private void markPrecopyDone() {
        if (!itinerary.contains(Phase.Precopy)) {
            return;
        }
        String now = now();
        long intervalMs = precopyInterval().toMillis();
        updateVm(true, v -> {
            lastPrecopy(v).ifPresent(p -> p.end = now);
            if (v.warm != null) {
                v.warm.successes = (v.warm.successes == null ? 0 : v.warm.successes) + 1;
                v.warm.consecutiveFailures = 0;
                v.warm.nextPrecopyAt = io.hoist.core.model.Timestamps.format(Instant.now().plus(Duration.ofMillis(intervalMs)));
            }
        });
    }

    private Duration precopyInterval() {
        String v = ctx.settings().get("controller_precopy_interval", "60");
        try {
            double minutes = Double.parseDouble(v.trim());
            return Duration.ofMillis((long) Math.max(1000, minutes * 60_000));
        } catch (NumberFormatException e) {
            return Duration.ofMinutes(60);
        }
    }

    /**
     * Warm: until cutover, take a new snapshot every precopy interval and copy what changed.
     * The cutover time and the interval are re-read on each pass, so both can change while running.
     */
    private Outcome precopy() throws Exception {
        if (copying != null) {
            return stayInPrecopy(copyDisks(false));
        }
        Migration m = read(ResourceKind.MIGRATION, msg.plan().namespace(), msg.migrationName(), Migration.class).orElse(null);
        Instant cutover = m == null || m.spec == null ? null : cutoverTime(m.spec.cutover);
        if (cutover != null && !Instant.now().isBefore(cutover)) {
            return Outcome.NEXT;
        }
        VmStatus entry = entry();
        Instant next = entry.warm == null || entry.warm.nextPrecopyAt == null ? Instant.now()
                : OffsetDateTime.parse(entry.warm.nextPrecopyAt).toInstant();
        if (Instant.now().isBefore(next)) {
            Instant wake = cutover != null && cutover.isBefore(next) ? cutover : next;
            long ms = Math.min(Duration.between(Instant.now(), wake).toMillis(), 5_000);
            CompletableFuture<Void> wait = delay(Duration.ofMillis(Math.max(50, ms)));
            precopyWait = wait; // a Migration change (cutover set or moved) ends it early: see poke()
            return Outcome.waitFor(wait, null);
        }
        // A new precopy round: drop the previous snapshot first, then snapshot and copy the delta.
        VmStatus.Precopy last = lastPrecopy(entry).orElse(null);
        if (last == null || last.end != null) {
            try {
                SnapshotRef ref = snapshots().createSnapshot(sourceVm(), "hoist precopy " + msg.migrationName());
                removePreviousSnapshotOf(last);
                recordSnapshot(ref);
            } catch (Exception e) {
                return precopyFailed(e);
            }
        }
        return stayInPrecopy(copyDisks(false));
    }

    /** A finished precopy round loops back into Precopy instead of leaving it. */
    private static Outcome stayInPrecopy(Outcome o) {
        return o instanceof Outcome.Next ? Outcome.waitFor(CompletableFuture.completedFuture(null), null) : o;
    }

    private SourceVm sourceVm() throws Exception {
        ensureSourceVm();
        return sourceVm;
    }

    private Outcome precopyFailed(Exception e) {
        int limit = 3;
        int[] consecutive = {0};
        updateVm(true, v -> {
            if (v.warm == null) {
                v.warm = new VmStatus.Warm();
                v.warm.successes = 0;
                v.warm.failures = 0;
                v.warm.consecutiveFailures = 0;
            }
            v.warm.failures = v.warm.failures + 1;
            v.warm.consecutiveFailures = v.warm.consecutiveFailures + 1;
            consecutive[0] = v.warm.consecutiveFailures;
        });
        if (consecutive[0] >= limit) {
            return Outcome.fail("warm import retry limit reached: " + describe(e));
        }
        return Outcome.waitFor(delay(Duration.ofSeconds(10)), "precopy failed, retrying: " + describe(e));
    }

    private void removePreviousSnapshot() throws Exception {
        VmStatus entry = entry();
        List<VmStatus.Precopy> ps = entry.warm == null || entry.warm.precopies == null ? List.of() : entry.warm.precopies;
        if (ps.size() >= 2) {
            removePreviousSnapshotOf(ps.get(ps.size() - 2));
        }
    }

    private void removePreviousSnapshotOf(VmStatus.Precopy p) throws Exception {
        if (p == null || p.snapshot == null || p.removeTaskId != null) {
            return;
        }
        snapshots().removeSnapshot(sourceVm(), snapshotRef(p));
        String id = p.snapshot;
        updateVm(true, v -> {
            if (v.warm != null && v.warm.precopies != null) {
                v.warm.precopies.stream().filter(x -> id.equals(x.snapshot)).forEach(x -> x.removeTaskId = "removed");
            }
        });
    }

    private Outcome removeLastSnapshot() throws Exception {
        VmStatus entry = entry();
        Optional<VmStatus.Precopy> last = lastPrecopy(entry);
        if (last.isPresent()) {
            removePreviousSnapshotOf(last.get());
        }
        return Outcome.NEXT;
    }

    private static Optional<VmStatus.Precopy> lastPrecopy(VmStatus v) {
        if (v.warm == null || v.warm.precopies == null || v.warm.precopies.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(v.warm.precopies.get(v.warm.precopies.size() - 1));
    }

    public static Instant cutoverTime(String cutover) {
        if (cutover == null || cutover.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(cutover).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private Outcome convertGuest() throws Exception {
        if (Boolean.TRUE.equals(plan.spec.skipGuestConversion)) {
            skipStep(Step.ImageConversion, "skipped: skipGuestConversion is set");
            return Outcome.NEXT;
        }
        ensureSourceVm();
        GuestConverter converter = null;
        for (GuestConverter g : ctx.extensions().guestConverters()) {
            if (g.accepts(sourceInstance.config().type(), sourceVm.osType())) {
                converter = g;
                break;
            }
        }
        if (converter == null) {
            skipStep(Step.ImageConversion, "skipped: no guest converter installed");
            return Outcome.NEXT;
        }
        GuestConverter g = converter;
        ctx.extensions().call(g, () -> {
            g.convert(ensureTarget(), ensureAllocated());
            return null;
        });
        return Outcome.NEXT;
    }

    private void skipStep(Step step, String reason) {
        updateVm(true, v -> {
            VmStatus.Step s = step(v, step);
            s.reason = reason;
            annotate(s, "skipped", "true");
        });
    }

    private Outcome createVm() throws Exception {
        String ref = destination().createVm(ensureTarget(), ensureAllocated());
        updateVm(true, v -> {
            annotate(step(v, Step.VirtualMachineCreation), "target-vm", ref);
            v.newName = target.name();
        });
        return Outcome.NEXT;
    }

    private Outcome runHook(String stepName) throws Exception {
        Plan.HookRef ref = hook(planVm, stepName).orElse(null);
        if (ref == null) {
            return Outcome.NEXT;
        }
        Hook hook = read(ResourceKind.HOOK, ns(ref.hook.namespace), ref.hook.name, Hook.class).orElseThrow(() ->
                new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "hook " + ref.hook.name + " not found"));
        String playbook = hook.spec.playbook == null ? null
                : new String(Base64.getDecoder().decode(hook.spec.playbook), StandardCharsets.UTF_8);
        long deadline = hook.spec.deadline == null ? 0 : hook.spec.deadline;
        HookSpec spec = new HookSpec(hook.namespace(), hook.name(), hook.spec.image, playbook, hook.spec.serviceAccount,
                deadline, stepName);
        HookRunner runner = ctx.extensions().hookRunners().stream().filter(r -> r.accepts(spec)).findFirst().orElseThrow(() ->
                new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "no installed hook runner accepts hook " + hook.name()));
        String planJson = ctx.mapper().writeValueAsString(plan);
        String workload = sourceInstance.config().uid();
        String workloadJson = ctx.mapper().writeValueAsString(Map.of("providerUid", workload, "vm", sourceVm()));
        ctx.extensions().call(runner, () -> runner.run(spec, planJson, workloadJson));
        return Outcome.NEXT;
    }

    static Optional<Plan.HookRef> hook(Plan.Vm vm, String step) {
        if (vm.hooks == null) {
            return Optional.empty();
        }
        return vm.hooks.stream().filter(h -> step.equals(h.step)).findFirst();
    }

    // ---- endings ----

    private void finishSucceeded() {
        String now = now();
        updateVm(true, v -> {
            v.phase = Phase.Completed.name();
            v.completed = now;
            for (VmStatus.Step s : v.pipeline) {
                if (!"Completed".equals(s.phase)) {
                    s.phase = "Completed";
                    s.completed = s.completed == null ? now : s.completed;
                }
            }
            setCondition(v, Condition.of("Succeeded", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Completed",
                    "The VM migration has SUCCEEDED."));
            removeCondition(v, "Pending");
        });
        finish();
    }

    private void finishFailed(String reason) {
        LOG.log(System.Logger.Level.WARNING, "VM " + msg.vmId() + " of plan " + msg.plan() + " failed in " + phase + ": " + reason);
        boolean deleteVm = Boolean.TRUE.equals(planVm != null && planVm.deleteVmOnFailMigration != null
                ? planVm.deleteVmOnFailMigration : plan != null && Boolean.TRUE.equals(plan.spec.deleteVmOnFailMigration));
        String cleanupError = cleanUp(Destination.CleanupReason.FAILED, deleteVm);
        String now = now();
        Phase failedIn = phase;
        updateVm(true, v -> {
            v.completed = now;
            v.error = VmStatus.VmError.of(failedIn == null ? "Started" : failedIn.name(),
                    cleanupError == null ? List.of(reason) : List.of(reason, cleanupError));
            if (failedIn != null && failedIn.step() != null) {
                VmStatus.Step s = step(v, failedIn.step());
                s.phase = "Completed";
                s.completed = now;
                s.error = VmStatus.VmError.of(failedIn.name(), List.of(reason));
            }
            setCondition(v, Condition.of("Failed", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Failed",
                    "The VM migration has FAILED: " + reason));
            removeCondition(v, "Pending");
        });
        finish();
    }

    private void finishCanceled() {
        String cleanupError = cleanUp(Destination.CleanupReason.CANCELED, true);
        String now = now();
        updateVm(true, v -> {
            v.completed = now;
            if (cleanupError != null) {
                v.error = VmStatus.VmError.of(v.phase, List.of(cleanupError));
            }
            setCondition(v, Condition.of("Canceled", Condition.TRUE, Condition.CATEGORY_ADVISORY, "UserRequested",
                    "The VM migration was CANCELED."));
            removeCondition(v, "Pending");
        });
        finish();
    }

    /** Removes temporary resources, snapshots and restores the source power state; returns an error or null. */
    private String cleanUp(Destination.CleanupReason reason, boolean deleteVm) {
        List<String> errors = new ArrayList<>();
        CompletableFuture<?> waiting = pendingLease;
        if (waiting != null) {
            waiting.cancel(false);
        }
        if (copying != null) {
            try {
                copying.get(60, TimeUnit.SECONDS); // copies stop at the cancel flag
            } catch (Exception ignored) {
                // the copy's own failure is already the VM's failure
            }
            copying = null;
        }
        releaseLease();
        if (plan == null || sourceInstance == null) {
            return null;
        }
        try {
            if (target != null || sourceVm != null || ensureSourceVmQuietly()) {
                destination().cleanup(ensureTarget(), reason, deleteVm);
            }
        } catch (Exception e) {
            errors.add("cleanup of target failed: " + describe(e));
        }
        try {
            VmStatus entry = entry();
            if (entry.warm != null && entry.warm.precopies != null) {
                for (VmStatus.Precopy p : entry.warm.precopies) {
                    removePreviousSnapshotOf(p);
                }
            }
            if ("On".equals(entry.restorePowerState) && sourceVm != null
                    && source().powerState(sourceVm) != PowerState.ON) {
                source().powerOn(sourceVm);
            }
        } catch (Exception e) {
            errors.add("restoring the source failed: " + describe(e));
        }
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    private boolean ensureSourceVmQuietly() {
        try {
            ensureSourceVm();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void finish() {
        finished.complete(null);
        onFinished.accept(this);
    }

    // ---- status helpers ----

    private void transition(Phase from, Phase to) {
        String now = now();
        updateVm(true, v -> {
            v.phase = to.name();
            if (from.step() != null && from.step() != to.step()) {
                VmStatus.Step s = step(v, from.step());
                s.phase = "Completed";
                s.completed = now;
            }
            if (to.step() != null) {
                VmStatus.Step s = step(v, to.step());
                if (!"Running".equals(s.phase)) {
                    s.phase = "Running";
                    s.started = s.started == null ? now : s.started;
                }
            }
        });
    }

    private void setPending(String reason) {
        updateVm(false, v -> setCondition(v, Condition.of("Pending", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Waiting", reason)));
    }

    private void clearPending() {
        updateVm(false, v -> removeCondition(v, "Pending"));
    }

    private void updateVm(boolean durable, Consumer<VmStatus> change) {
        CompletableFuture<Void> f = ctx.status().updateVm(msg.plan(), msg.migrationName(), msg.vmId(), change);
        if (durable) {
            f.join();
        }
    }

    static VmStatus.Step step(VmStatus v, Step step) {
        return v.pipeline.stream().filter(s -> step.name().equals(s.name)).findFirst().orElseGet(() -> {
            VmStatus.Step s = new VmStatus.Step();
            s.name = step.name();
            s.description = step.description();
            s.phase = "Pending";
            s.progress = VmStatus.Progress.of(0, 0);
            v.pipeline.add(s);
            return s;
        });
    }

    private static VmStatus.Task task(VmStatus.Step s, SourceDisk disk) {
        if (s.tasks == null) {
            s.tasks = new ArrayList<>();
        }
        return s.tasks.stream().filter(t -> disk.id().equals(t.name)).findFirst().orElseGet(() -> {
            VmStatus.Task t = new VmStatus.Task();
            t.name = disk.id();
            t.description = disk.name();
            t.phase = "Pending";
            t.progress = VmStatus.Progress.of(0, disk.capacity() / (1024 * 1024));
            t.started = now();
            s.tasks.add(t);
            return t;
        });
    }

    static void annotate(VmStatus.Task t, String key, String value) {
        if (t.annotations == null) {
            t.annotations = new LinkedHashMap<>();
        }
        t.annotations.put(ANN_PREFIX + key, value);
    }

    static void setCondition(VmStatus v, Condition c) {
        if (v.conditions == null) {
            v.conditions = new ArrayList<>();
        }
        c.lastTransitionTime = now();
        for (int i = 0; i < v.conditions.size(); i++) {
            Condition old = v.conditions.get(i);
            if (c.type.equals(old.type)) {
                if (Objects.equals(old.status, c.status) && Objects.equals(old.message, c.message)) {
                    return;
                }
                v.conditions.set(i, c);
                return;
            }
        }
        v.conditions.add(c);
    }

    static void removeCondition(VmStatus v, String type) {
        if (v.conditions != null) {
            v.conditions.removeIf(c -> type.equals(c.type));
        }
    }

    /** This VM's current status entry (a copy), from the status writer's view of the plan. */
    private VmStatus entry() {
        return ctx.status().vm(msg.plan(), msg.vmId())
                .orElseThrow(() -> new IllegalStateException("VM " + msg.vmId() + " has no status entry on plan " + msg.plan()));
    }

    private <T> Optional<T> read(ResourceKind kind, String ns, String name, Class<T> type) {
        return ctx.store().get(kind, ns, name).map(n -> ctx.mapper().convertValue(n, type));
    }

    private CompletableFuture<Void> delay(Duration d) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ctx.timers().schedule(() -> f.complete(null), d.toMillis(), TimeUnit.MILLISECONDS);
        return f;
    }

    static String now() {
        return io.hoist.core.model.Timestamps.now(); // RFC 3339 with seconds, as the CRD schemas require
    }

    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
