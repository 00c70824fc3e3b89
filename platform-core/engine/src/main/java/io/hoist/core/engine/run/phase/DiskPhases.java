package io.hoist.core.engine.run.phase;

import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.scheduler.CopyJobs;
import io.hoist.core.engine.scheduler.DiskCopyConsumers;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.model.resource.VmStatus;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * AllocateDisks, CopyDisks and CopyFinalDelta, and the copy rounds of a warm Precopy. A copy round is a
 * {@link Messages.CopyDisks} message to the consumer of its source host ({@link DiskCopyConsumers}), which takes it
 * only when that host has a free transfer slot (the one backpressure rule, {@link TransferScheduler}); the round's
 * disk work stays here, found by its copy id ({@link CopyJobs}). The run waits, without a thread, for the round's
 * {@link Messages.CopyDone}.
 */
public final class DiskPhases {
    /** How a copy round leaves: makes sure its host has a consumer, then sends the message on the bus. */
    public interface CopySender {
        void send(Messages.CopyDisks round);
    }

    private final TransferScheduler scheduler;
    private final CopyJobs jobs;
    private final CopySender sender;
    private final DiskCopyService copier;
    private final DoubleSupplier hostBandwidthMibps;
    /** The ForkliftController's controller_transfer_checksum as written, or null. */
    private final Supplier<String> controllerChecksum;
    private final Delays delays;

    public DiskPhases(TransferScheduler scheduler, CopyJobs jobs, CopySender sender, DiskCopyService copier,
                      DoubleSupplier hostBandwidthMibps, Supplier<String> controllerChecksum, Delays delays) {
        this.delays = delays;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.sender = sender;
        this.copier = copier;
        this.hostBandwidthMibps = hostBandwidthMibps;
        this.controllerChecksum = controllerChecksum;
    }

    /** A VM's copy round in flight; read and written under the object's lock. */
    private static final class CopyState {
        CopyJobs.Job job;
        boolean startedSeen;
        /** The VM's Pending condition says it waits for slots (so it is cleared when the copy starts). */
        boolean pendingShown;
    }

    private CopyState state(VmContext vm) {
        return vm.attachment(CopyState.class, CopyState::new);
    }

    public Outcome allocate(VmContext vm) throws Exception {
        Outcome waiting = waitForSharedCopies(vm);
        if (waiting != null) {
            return waiting;
        }
        allocated(vm);
        return Outcome.NEXT;
    }

    /**
     * A shared disk another VM of the plan copies is attached once that VM's disks are copied: until then this VM
     * waits (no thread held); if that VM failed or was canceled first, this one fails with the reason.
     */
    private Outcome waitForSharedCopies(VmContext vm) throws Exception {
        TargetVmSpec spec = vm.target();
        Map<String, String> copiers = vm.attachment(io.hoist.core.engine.run.VmLoader.SharedCopiers.class,
                () -> new io.hoist.core.engine.run.VmLoader.SharedCopiers(Map.of())).byShareId();
        for (var disk : spec.disks()) {
            String copier = disk.attachOnly() ? copiers.get(disk.shareId()) : null;
            if (copier == null || copier.equals(vm.message().vmId())) {
                continue;
            }
            VmStatus other = vm.status().entryOf(copier).orElse(null);
            if (other == null) {
                continue; // not part of this migration: an earlier run copied it, the destination finds it
            }
            boolean copied = other.pipeline != null && other.pipeline.stream().anyMatch(s -> Step.DiskTransfer.name().equals(s.name)
                    && "Completed".equals(s.phase) && s.error == null);
            if (copied || io.hoist.core.model.Conditions.isTrue(other.conditions, "Succeeded")) {
                continue;
            }
            if (io.hoist.core.model.Conditions.isTrue(other.conditions, "Failed")
                    || io.hoist.core.model.Conditions.isTrue(other.conditions, "Canceled")) {
                return Outcome.fail("shared disk " + disk.sourceDiskId() + " is copied by VM " + copier
                        + ", whose migration did not succeed", "SharedDiskNotCopied");
            }
            return Outcome.waitFor(delays.after(java.time.Duration.ofSeconds(2)),
                    "waiting for VM " + copier + " to copy shared disk " + disk.sourceDiskId());
        }
        return null;
    }

    /** The allocated target disks; allocation is idempotent (the destination adopts what exists). */
    public List<AllocatedDisk> allocated(VmContext vm) throws Exception {
        List<AllocatedDisk> known = vm.allocatedIfKnown();
        if (known != null) {
            return known;
        }
        TargetVmSpec spec = vm.target();
        for (io.hoist.api.Condition c : vm.destination().validateTarget(spec)) {
            if (c.category() == io.hoist.api.Condition.Category.Critical || c.category() == io.hoist.api.Condition.Category.Error) {
                throw new HoistException(HoistException.Type.USER_ERROR, c.type(), c.message());
            }
        }
        ExternalVolumes.requireAbilities(vm, spec);
        List<AllocatedDisk> disks = vm.destination().allocateDisks(spec);
        vm.allocated(disks);
        return disks;
    }

    public Outcome copy(VmContext vm) throws Exception {
        return copy(vm, false);
    }

    public Outcome copyFinalDelta(VmContext vm) throws Exception {
        return copy(vm, true);
    }

    /** The result of a finished copy round, or the wait for it; {@link Round#done()} tells which. */
    public record Round(Outcome outcome, boolean done) {}

    /**
     * Copies every disk: the whole allocation map on a cold copy or a warm initial copy, only the changed areas on a
     * warm delta. Sends the round to its host's consumer and waits for slots, then for the copies. Returns NEXT once
     * every disk is copied and its checksums match.
     */
    Outcome copy(VmContext vm, boolean finalDelta) throws Exception {
        CopyState s = state(vm);
        CopyJobs.Job job;
        boolean firstSightOfStart = false;
        synchronized (s) {
            job = s.job;
            if (job != null && job.started().isDone() && !s.startedSeen) {
                s.startedSeen = true;
                firstSightOfStart = true;
            }
        }
        if (job != null) {
            if (!job.started().isDone()) {
                synchronized (s) {
                    s.pendingShown = true;
                }
                return Outcome.waitFor(job.started(), "waiting: in-flight limit reached (max " + scheduler.limit() + ")");
            }
            boolean shown;
            synchronized (s) {
                shown = s.pendingShown;
                s.pendingShown = false;
            }
            if (firstSightOfStart && shown) {
                vm.status().clearPending();
            }
            if (!job.done().isDone()) {
                return Outcome.waitFor(job.done(), null);
            }
            synchronized (s) {
                s.job = null;
            }
            Messages.CopyDone done = job.done().join();
            if (vm.canceled() || done.canceled()) {
                return Outcome.waitFor(CompletableFuture.completedFuture(null), null);
            }
            if (done.error() != null) {
                if (job.failure() instanceof Exception e) {
                    throw e; // on this node: the failure as thrown, with its type and cause
                }
                throw new HoistException(done.errorType() == null ? HoistException.Type.INTERNAL
                        : HoistException.Type.valueOf(done.errorType()), "TransferFailed", done.error());
            }
            for (Messages.DiskCopied r : done.disks()) {
                if (!Objects.equals(r.sourceChecksum(), r.targetChecksum())) {
                    return Outcome.fail("checksum mismatch: source " + r.sourceChecksum() + ", target " + r.targetChecksum());
                }
            }
            return Outcome.NEXT;
        }
        // Attach-only shared disks were copied by another VM (or an earlier plan), external volumes are handed over:
        // nothing to transfer for either.
        List<AllocatedDisk> disks = ExternalVolumes.copied(allocated(vm));
        ExternalVolumes.markAttached(vm, vm.phase().step());
        if (disks.isEmpty()) {
            return Outcome.NEXT;
        }
        Messages.RunVm run = vm.message();
        Messages.CopyDisks round = new Messages.CopyDisks(run.plan(), run.migrationUid(), run.vmId(),
                run.migrationUid() + "/" + run.vmId() + "/" + UUID.randomUUID(), vm.hostKey(), disks.size(),
                vm.planInt("hoist.io/max-inflight-disks"));
        CopyJobs.Job added = jobs.add(round, run.migrationName(), vm.phase().step().name(), diskTasks(vm, disks));
        // A host with room takes the round at once (the usual case once VMs start only with a place): no Pending
        // write then, which a VM copying right away would show for a moment and clear again.
        boolean room = scheduler.hasRoom(vm.hostKey());
        synchronized (s) {
            s.job = added;
            s.startedSeen = false;
            s.pendingShown = !room;
        }
        sender.send(round);
        return Outcome.waitFor(added.started(), room ? null : "waiting: in-flight limit reached (max " + scheduler.limit() + ")");
    }

    /** Stops this VM's round (cancel flag), waits (bounded) for its copies to notice; the consumer frees the slots. */
    public void stop(VmContext vm) {
        CopyState s = state(vm);
        CopyJobs.Job job;
        synchronized (s) {
            job = s.job;
            s.job = null;
        }
        if (job == null) {
            return;
        }
        Messages.RunVm run = vm.message();
        jobs.cancel(new Messages.CancelVms(run.plan(), run.migrationUid(), List.of(run.vmId())));
        if (job.started().isDone()) {
            try {
                job.done().get(60, TimeUnit.SECONDS); // copies stop at the cancel flag
            } catch (Exception ignored) {
                // the copy's own failure is already the VM's failure
            }
        }
    }

    /** The work of each disk of a round, run by the consumer that takes the round. */
    private List<CopyJobs.DiskTask> diskTasks(VmContext vm, List<AllocatedDisk> disks) throws Exception {
        VmStatus entry = vm.entry();
        boolean warm = vm.itinerary().contains(Phase.Precopy);
        List<VmStatus.Precopy> precopies = entry.warm == null || entry.warm.precopies == null ? List.of() : entry.warm.precopies;
        VmStatus.Precopy current = precopies.isEmpty() ? null : precopies.get(precopies.size() - 1);
        VmStatus.Precopy previous = precopies.size() >= 2 ? precopies.get(precopies.size() - 2) : null;
        Map<String, Double> budgets = budgets(vm);
        ChecksumMode checksum = checksumMode(vm);
        SourceVm sourceVm = vm.sourceVm();
        TargetVmSpec target = vm.target();
        Step step = vm.phase().step();
        String base = vm.message().migrationUid() + "/" + vm.message().vmId() + "/";
        int round = precopies.size();
        List<CopyJobs.DiskTask> tasks = new ArrayList<>();
        List<SourceDisk> copied = new ArrayList<>();
        for (AllocatedDisk a : disks) {
            SourceDisk sd = sourceVm.disks().stream().filter(d -> d.id().equals(a.disk().sourceDiskId())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("source disk " + a.disk().sourceDiskId() + " vanished"));
            copied.add(sd);
            SnapshotRef snap = warm && current != null ? snapshotRef(current) : null;
            SnapshotRef prev = previous == null ? null : snapshotRef(previous);
            String digestsKey = base + sd.id();
            String key = digestsKey + (warm ? "/" + round : "");
            tasks.add((canceled, progress) -> {
                List<Extent> extents = null;
                if (warm && vm.source() instanceof ChangedAreas ca) {
                    extents = ca.changedAreas(sourceVm, sd, prev, snap);
                }
                try (DiskReader reader = vm.source().openDisk(sourceVm, sd, snap);
                     DiskWriter writer = vm.destination().openDisk(target, a)) {
                    // Reports name the plan's disk (the task's name), whatever the copier calls it.
                    DiskCopyService.Result r = copier.copy(new DiskCopyService.CopyRequest(key, digestsKey, sd.id(), reader,
                            writer, extents, budgets, p -> progress.accept(new TransferProgress(sd.id(), p.bytesDone(),
                            p.bytesTotal(), p.bytesPerSecond(), p.etaSeconds())), canceled, checksum,
                            restart -> recordRestart(vm, step, sd, restart), prev != null));
                    recordDiskResult(vm, step, sd, r);
                    copier.dropCheckpoint(key);
                    return new Messages.DiskCopied(sd.id(), r.bytesCopied(), r.bytesTotal(), r.checksum().label(),
                            r.sourceChecksum(), r.targetChecksum());
                }
            });
        }
        // Every disk has its task before the first progress report (which only updates tasks that exist).
        vm.status().live(v -> {
            VmStatus.Step st = VmStatusEditor.step(v, step);
            copied.forEach(sd -> VmStatusEditor.task(st, sd));
        });
        return tasks;
    }

    /**
     * The plan's {@code hoist.io/checksum} annotation, else the ForkliftController's {@code controller_transfer_checksum},
     * else sha256-4m. A value that is not a checksum choice (sha256-4m, xxh128-4m, none) fails the VM naming the field.
     */
    private ChecksumMode checksumMode(VmContext vm) {
        var plan = vm.plan();
        String own = plan.metadata == null || plan.metadata.annotations == null ? null
                : plan.metadata.annotations.get("hoist.io/checksum");
        if (own != null) {
            return ChecksumMode.parse(own, "plan annotation hoist.io/checksum");
        }
        String controller = controllerChecksum.get();
        return controller == null ? ChecksumMode.SHA256_4M
                : ChecksumMode.parse(controller, "ForkliftController setting controller_transfer_checksum");
    }

    /** The budgets this VM's copies share: its source host's (from the settings) and its plan's (annotation). */
    private Map<String, Double> budgets(VmContext vm) {
        Map<String, Double> b = new LinkedHashMap<>();
        b.put(DiskCopyService.hostBudget(vm.hostKey()), hostBandwidthMibps.getAsDouble());
        b.put("plan:" + vm.message().plan(), (double) vm.planInt("hoist.io/bandwidth-mibps"));
        return b;
    }

    public static SnapshotRef snapshotRef(VmStatus.Precopy p) {
        Map<String, String> changeIds = new HashMap<>();
        if (p.deltas != null) {
            p.deltas.forEach(d -> changeIds.put(d.disk, d.deltaId));
        }
        return new SnapshotRef(p.snapshot, changeIds);
    }

    /**
     * An upload that starts again from byte 0 (an earlier attempt, maybe on a node since gone, did not finish and an
     * upload cannot resume) says so on its disk task, as a warning: its progress goes back to 0 for a reason.
     */
    private static void recordRestart(VmContext vm, Step step, SourceDisk disk, String restart) {
        vm.status().durable(v -> {
            VmStatus.Task t = VmStatusEditor.task(VmStatusEditor.step(v, step), disk);
            t.warning = VmStatus.VmError.of(step.name(), List.of("disk " + disk.id() + ": " + restart));
        });
    }

    private static void recordDiskResult(VmContext vm, Step step, SourceDisk disk, DiskCopyService.Result r) {
        String now = VmStatusEditor.now();
        vm.status().durable(v -> {
            VmStatus.Step s = VmStatusEditor.step(v, step);
            VmStatus.Task t = VmStatusEditor.task(s, disk);
            long mb = r.bytesTotal() / (1024 * 1024);
            t.progress = VmStatus.Progress.of(mb, mb);
            t.phase = "Completed";
            t.completed = now;
            // Which checksum was used and whether the copy is verified; "none" never carries checksum values.
            boolean verified = r.checksum().verifies() && r.sourceChecksum() != null
                    && r.sourceChecksum().equals(r.targetChecksum());
            VmStatusEditor.annotate(t, "checksum", r.checksum().label());
            VmStatusEditor.annotate(t, "verified", Boolean.toString(verified));
            if (r.checksum().verifies()) {
                VmStatusEditor.annotate(t, "source-checksum", r.sourceChecksum());
                VmStatusEditor.annotate(t, "target-checksum", r.targetChecksum());
                VmStatusEditor.annotate(s, "checksum." + disk.id() + ".source", r.sourceChecksum());
                VmStatusEditor.annotate(s, "checksum." + disk.id() + ".target", r.targetChecksum());
            } else {
                for (VmStatus.Task x : List.of(t, s)) {
                    if (x.annotations != null) {
                        x.annotations.keySet().removeAll(List.of(VmStatusEditor.ANN_PREFIX + "source-checksum",
                                VmStatusEditor.ANN_PREFIX + "target-checksum",
                                VmStatusEditor.ANN_PREFIX + "checksum." + disk.id() + ".source",
                                VmStatusEditor.ANN_PREFIX + "checksum." + disk.id() + ".target"));
                    }
                }
            }
            VmStatusEditor.annotate(t, "bytes-copied", Long.toString(r.bytesCopied()));
            VmStatusEditor.annotate(t, "eta-seconds", "0");
            VmStatusEditor.sumTasks(s);
        });
    }
}
