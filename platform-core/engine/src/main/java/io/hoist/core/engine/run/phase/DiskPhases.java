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
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.model.resource.VmStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * AllocateDisks, CopyDisks and CopyFinalDelta, and the copy rounds of a warm Precopy. A copy first takes transfer
 * slots of its source host from the {@link TransferScheduler} (the one backpressure rule), then copies every disk on
 * its own virtual thread through the {@link DiskCopyService}, giving each slot back as its disk finishes.
 */
public final class DiskPhases {
    /** How progress reaches the rest of the engine (the event bus and the status writer). */
    public interface ProgressSink {
        void progress(VmContext vm, TransferProgress p);
    }

    private final TransferScheduler scheduler;
    private final DiskCopyService copier;
    private final ExecutorService copies;
    private final DoubleSupplier hostBandwidthMibps;
    private final ProgressSink sink;

    public DiskPhases(TransferScheduler scheduler, DiskCopyService copier, ExecutorService copies,
                      DoubleSupplier hostBandwidthMibps, ProgressSink sink) {
        this.scheduler = scheduler;
        this.copier = copier;
        this.copies = copies;
        this.hostBandwidthMibps = hostBandwidthMibps;
        this.sink = sink;
    }

    /** A VM's copy state; every field is read and written under the object's lock. */
    private static final class CopyState {
        CompletableFuture<TransferScheduler.Lease> pending;
        TransferScheduler.Lease lease;
        CompletableFuture<List<DiskCopyService.Result>> copying;
        final Map<String, Long> lastProgressWrite = new ConcurrentHashMap<>();
    }

    private CopyState state(VmContext vm) {
        return vm.attachment(CopyState.class, () -> {
            CopyState s = new CopyState();
            vm.onCancel(() -> {
                CompletableFuture<?> waiting;
                synchronized (s) {
                    waiting = s.pending;
                }
                if (waiting != null) {
                    waiting.cancel(false); // leave the scheduler's queue at once
                }
            });
            return s;
        });
    }

    public Outcome allocate(VmContext vm) throws Exception {
        allocated(vm);
        return Outcome.NEXT;
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
     * warm delta. Waits for transfer slots first. Returns NEXT once every disk is copied and its checksums match.
     */
    Outcome copy(VmContext vm, boolean finalDelta) throws Exception {
        CopyState s = state(vm);
        CompletableFuture<List<DiskCopyService.Result>> running;
        synchronized (s) {
            running = s.copying;
        }
        if (running != null) {
            if (!running.isDone()) {
                return Outcome.waitFor(running, null);
            }
            List<DiskCopyService.Result> results;
            try {
                results = running.join();
            } finally {
                synchronized (s) {
                    s.copying = null;
                }
                releaseLease(s);
            }
            if (vm.canceled()) {
                return Outcome.waitFor(CompletableFuture.completedFuture(null), null);
            }
            for (DiskCopyService.Result r : results) {
                if (!Objects.equals(r.sourceChecksum(), r.targetChecksum())) {
                    return Outcome.fail("checksum mismatch: source " + r.sourceChecksum() + ", target " + r.targetChecksum());
                }
            }
            return Outcome.NEXT;
        }
        List<AllocatedDisk> disks = allocated(vm);
        TransferScheduler.Lease granted;
        synchronized (s) {
            if (s.lease == null) {
                if (s.pending == null) {
                    s.pending = scheduler.acquire(vm.hostKey(), vm.message().plan().toString(), disks.size(),
                            vm.planInt("hoist.io/max-inflight-disks"));
                }
                if (!s.pending.isDone()) {
                    return Outcome.waitFor(s.pending, "waiting: in-flight limit reached (max " + scheduler.limit() + ")");
                }
                CompletableFuture<TransferScheduler.Lease> p = s.pending;
                s.pending = null;
                if (p.isCancelled()) {
                    return Outcome.waitFor(CompletableFuture.completedFuture(null), null);
                }
                s.lease = p.join();
            }
            granted = s.lease;
        }
        vm.status().clearPending();
        CompletableFuture<List<DiskCopyService.Result>> started = startCopies(vm, disks, granted);
        synchronized (s) {
            s.copying = started;
        }
        return Outcome.waitFor(started, null);
    }

    /** Waits (bounded) for running copies to notice a cancel, then gives the transfer slots back. */
    public void stop(VmContext vm) {
        CopyState s = state(vm);
        CompletableFuture<?> pending;
        CompletableFuture<List<DiskCopyService.Result>> running;
        synchronized (s) {
            pending = s.pending;
            running = s.copying;
            s.pending = null;
            s.copying = null;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        if (running != null) {
            try {
                running.get(60, TimeUnit.SECONDS); // copies stop at the cancel flag
            } catch (Exception ignored) {
                // the copy's own failure is already the VM's failure
            }
        }
        releaseLease(s);
    }

    private static void releaseLease(CopyState s) {
        TransferScheduler.Lease lease;
        synchronized (s) {
            lease = s.lease;
            s.lease = null;
        }
        if (lease != null) {
            lease.close();
        }
    }

    private CompletableFuture<List<DiskCopyService.Result>> startCopies(VmContext vm, List<AllocatedDisk> disks,
                                                                        TransferScheduler.Lease lease) throws Exception {
        VmStatus entry = vm.entry();
        boolean warm = vm.itinerary().contains(Phase.Precopy);
        List<VmStatus.Precopy> precopies = entry.warm == null || entry.warm.precopies == null ? List.of() : entry.warm.precopies;
        VmStatus.Precopy current = precopies.isEmpty() ? null : precopies.get(precopies.size() - 1);
        VmStatus.Precopy previous = precopies.size() >= 2 ? precopies.get(precopies.size() - 2) : null;
        Map<String, Double> budgets = budgets(vm);
        SourceVm sourceVm = vm.sourceVm();
        TargetVmSpec target = vm.target();
        Step step = vm.phase().step();
        String base = vm.message().migrationUid() + "/" + vm.message().vmId() + "/";
        int round = precopies.size();
        List<CompletableFuture<DiskCopyService.Result>> futures = new ArrayList<>();
        for (AllocatedDisk a : disks) {
            SourceDisk sd = sourceVm.disks().stream().filter(d -> d.id().equals(a.disk().sourceDiskId())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("source disk " + a.disk().sourceDiskId() + " vanished"));
            SnapshotRef snap = warm && current != null ? snapshotRef(current) : null;
            SnapshotRef prev = previous == null ? null : snapshotRef(previous);
            String digestsKey = base + sd.id();
            String key = digestsKey + (warm ? "/" + round : "");
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    List<Extent> extents = null;
                    if (warm && vm.source() instanceof ChangedAreas ca) {
                        extents = ca.changedAreas(sourceVm, sd, prev, snap);
                    }
                    try (DiskReader reader = vm.source().openDisk(sourceVm, sd, snap);
                         DiskWriter writer = vm.destination().openDisk(target, a)) {
                        DiskCopyService.Result r = copier.copy(new DiskCopyService.CopyRequest(key, digestsKey, sd.id(), reader,
                                writer, extents, budgets, p -> onProgress(vm, step, sd, p), vm::canceled));
                        recordDiskResult(vm, step, sd, r);
                        lease.release(1);
                        copier.dropCheckpoint(key);
                        return r;
                    }
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, copies));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }

    /** The budgets this VM's copies share: its source host's (from the settings) and its plan's (annotation). */
    private Map<String, Double> budgets(VmContext vm) {
        Map<String, Double> b = new LinkedHashMap<>();
        b.put("host:" + vm.hostKey(), hostBandwidthMibps.getAsDouble());
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

    private void onProgress(VmContext vm, Step step, SourceDisk disk, TransferProgress p) {
        sink.progress(vm, p);
        CopyState s = state(vm);
        long now = System.nanoTime();
        Long last = s.lastProgressWrite.get(disk.id());
        if (last != null && now - last < TimeUnit.SECONDS.toNanos(2) && p.bytesDone() < p.bytesTotal()) {
            return; // progress on the status is coalesced; the bus carries every report
        }
        s.lastProgressWrite.put(disk.id(), now);
        vm.status().live(v -> {
            VmStatus.Step st = VmStatusEditor.step(v, step);
            VmStatus.Task t = VmStatusEditor.task(st, disk);
            if ("Completed".equals(t.phase)) {
                return; // a late report must not reopen a finished disk
            }
            t.progress = VmStatus.Progress.of(p.bytesDone() / (1024 * 1024), p.bytesTotal() / (1024 * 1024));
            t.phase = "Running";
            VmStatusEditor.annotate(t, "rate-mibps", mibps(p.bytesPerSecond()));
            VmStatusEditor.annotate(t, "eta-seconds", Long.toString(p.etaSeconds()));
            VmStatusEditor.sumTasks(st);
            double rate = st.tasks.stream().filter(x -> "Running".equals(x.phase))
                    .mapToDouble(x -> parse(VmStatusEditor.annotation(x, "rate-mibps"))).sum();
            VmStatusEditor.annotate(st, "rate-mibps", String.format(Locale.ROOT, "%.1f", rate));
            VmStatusEditor.annotate(st, "eta-seconds", Long.toString(p.etaSeconds()));
        });
    }

    private static String mibps(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.1f", bytesPerSecond / (1024 * 1024));
    }

    private static double parse(String s) {
        try {
            return s == null ? 0 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
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
            VmStatusEditor.annotate(t, "source-checksum", r.sourceChecksum());
            VmStatusEditor.annotate(t, "target-checksum", r.targetChecksum());
            VmStatusEditor.annotate(t, "bytes-copied", Long.toString(r.bytesCopied()));
            VmStatusEditor.annotate(t, "eta-seconds", "0");
            VmStatusEditor.annotate(s, "checksum." + disk.id() + ".source", r.sourceChecksum());
            VmStatusEditor.annotate(s, "checksum." + disk.id() + ".target", r.targetChecksum());
            VmStatusEditor.sumTasks(s);
        });
    }
}
