package io.hoist.core.engine.run.phase;

import io.hoist.api.HoistException;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.Snapshots;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.model.Timestamps;
import io.hoist.core.model.resource.VmStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Warm migration: snapshots (initial and final), the copy rounds between them and the Precopy loop. Snapshots are
 * recorded on the VM's {@code warm.precopies} before anything else uses them, so a restarted engine finds and
 * removes every snapshot it took; the previous snapshot is removed as soon as the next round's exists.
 */
public final class WarmPhases {
    /** Consecutive failed precopy rounds before the VM fails (MTV's warm import retry limit). */
    static final int PRECOPY_RETRY_LIMIT = 3;

    private final DiskPhases disks;
    private final Delays delays;
    private final Supplier<Duration> precopyInterval;
    private final Function<VmContext, Instant> cutover;
    private final io.hoist.core.engine.run.RunMeters meters;

    /**
     * @param precopyInterval read at every round, so a settings change applies to running VMs
     * @param cutover         the VM's Migration's cutover time now (null: none set)
     */
    public WarmPhases(DiskPhases disks, Delays delays, Supplier<Duration> precopyInterval, Function<VmContext, Instant> cutover) {
        this(disks, delays, precopyInterval, cutover, io.hoist.core.engine.run.RunMeters.NONE);
    }

    /** As above, counting precopy rounds that failed and are tried again in {@code meters}. */
    public WarmPhases(DiskPhases disks, Delays delays, Supplier<Duration> precopyInterval, Function<VmContext, Instant> cutover,
                      io.hoist.core.engine.run.RunMeters meters) {
        this.meters = meters;
        this.disks = disks;
        this.delays = delays;
        this.precopyInterval = precopyInterval;
        this.cutover = cutover;
    }

    /** CreateInitialSnapshot and CreateFinalSnapshot: idempotent, an open round's snapshot is reused. */
    public Outcome createSnapshot(VmContext vm) throws Exception {
        boolean open = VmStatusEditor.lastPrecopy(vm.entry()).filter(p -> p.end == null && p.snapshot != null).isPresent();
        if (!open) {
            SnapshotRef ref = snapshots(vm).createSnapshot(vm.sourceVm(), "hoist " + vm.message().migrationName());
            recordSnapshot(vm, ref);
        }
        return Outcome.NEXT;
    }

    /** CopyDisks: the whole disks (a warm VM copies from its initial snapshot, and records the round). */
    public Outcome copyDisks(VmContext vm) throws Exception {
        Outcome o = disks.copy(vm, false);
        if (o instanceof Outcome.Next) {
            markRoundDone(vm);
        }
        return o;
    }

    /** CopyFinalDelta: what changed since the last precopy, with the source off. */
    public Outcome copyFinalDelta(VmContext vm) throws Exception {
        Outcome o = disks.copy(vm, true);
        if (o instanceof Outcome.Next) {
            removePreviousSnapshot(vm);
            markRoundDone(vm);
        }
        return o;
    }

    public Outcome removeFinalSnapshot(VmContext vm) throws Exception {
        Optional<VmStatus.Precopy> last = VmStatusEditor.lastPrecopy(vm.entry());
        if (last.isPresent()) {
            removeSnapshotOf(vm, last.get());
        }
        return Outcome.NEXT;
    }

    /**
     * Until cutover, take a new snapshot every precopy interval and copy what changed. The cutover time and the
     * interval are read again on each pass, so both can change while running; a Migration change ends a wait early.
     */
    public Outcome precopy(VmContext vm) throws Exception {
        VmStatus entry = vm.entry();
        VmStatus.Precopy last = VmStatusEditor.lastPrecopy(entry).orElse(null);
        boolean roundRunning = last != null && last.end == null;
        if (!roundRunning) {
            Instant cut = cutover.apply(vm);
            if (cut != null && !Instant.now().isBefore(cut)) {
                return Outcome.NEXT;
            }
            Instant next = entry.warm == null || entry.warm.nextPrecopyAt == null ? Instant.now()
                    : Timestamps.parse(entry.warm.nextPrecopyAt).orElse(Instant.now());
            if (Instant.now().isBefore(next)) {
                Instant wake = cut != null && cut.isBefore(next) ? cut : next;
                long ms = Math.min(Duration.between(Instant.now(), wake).toMillis(), 5_000);
                return Outcome.waitFor(vm.wakeOnChange(delays.after(Duration.ofMillis(Math.max(50, ms)))), null);
            }
            // A new round: snapshot, drop the previous round's snapshot, then copy the delta.
            try {
                SnapshotRef ref = snapshots(vm).createSnapshot(vm.sourceVm(), "hoist precopy " + vm.message().migrationName());
                removeSnapshotOf(vm, last);
                recordSnapshot(vm, ref);
            } catch (Exception e) {
                return precopyFailed(vm, e);
            }
        }
        Outcome o;
        try {
            o = disks.copy(vm, false);
        } catch (Exception e) {
            return precopyFailed(vm, e);
        }
        if (o instanceof Outcome.Next) {
            markRoundDone(vm);
            return Outcome.waitFor(CompletableFuture.completedFuture(null), null); // stay in Precopy
        }
        return o;
    }

    private Outcome precopyFailed(VmContext vm, Exception e) {
        int[] consecutive = {0};
        vm.status().durable(v -> {
            VmStatus.Warm w = VmStatusEditor.warm(v);
            w.failures = w.failures + 1;
            w.consecutiveFailures = w.consecutiveFailures + 1;
            consecutive[0] = w.consecutiveFailures;
        });
        if (consecutive[0] >= PRECOPY_RETRY_LIMIT) {
            return Outcome.fail("warm import retry limit reached: " + VmContext.describe(e));
        }
        meters.retried(Phase.Precopy.name(), io.hoist.core.engine.run.VmRun.failureCode(e));
        return Outcome.waitFor(delays.after(Duration.ofSeconds(10)), "precopy failed, retrying: " + VmContext.describe(e));
    }

    private void markRoundDone(VmContext vm) {
        if (!vm.itinerary().contains(Phase.Precopy)) {
            return;
        }
        String now = VmStatusEditor.now();
        String next = Timestamps.format(Instant.now().plus(precopyInterval.get()));
        vm.status().durable(v -> {
            VmStatusEditor.lastPrecopy(v).ifPresent(p -> p.end = now);
            VmStatus.Warm w = VmStatusEditor.warm(v);
            w.successes = (w.successes == null ? 0 : w.successes) + 1;
            w.consecutiveFailures = 0;
            w.nextPrecopyAt = next;
        });
    }

    private static void recordSnapshot(VmContext vm, SnapshotRef ref) {
        String now = VmStatusEditor.now();
        vm.status().durable(v -> {
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
            VmStatusEditor.warm(v).precopies.add(p);
        });
    }

    private void removePreviousSnapshot(VmContext vm) throws Exception {
        VmStatus entry = vm.entry();
        List<VmStatus.Precopy> ps = entry.warm == null || entry.warm.precopies == null ? List.of() : entry.warm.precopies;
        if (ps.size() >= 2) {
            removeSnapshotOf(vm, ps.get(ps.size() - 2));
        }
    }

    /** Removes one recorded snapshot once (marked removed on the entry). */
    public void removeSnapshotOf(VmContext vm, VmStatus.Precopy p) throws Exception {
        if (p == null || p.snapshot == null || p.removeTaskId != null) {
            return;
        }
        snapshots(vm).removeSnapshot(vm.sourceVm(), DiskPhases.snapshotRef(p));
        String id = p.snapshot;
        vm.status().durable(v -> {
            if (v.warm != null && v.warm.precopies != null) {
                v.warm.precopies.stream().filter(x -> id.equals(x.snapshot)).forEach(x -> x.removeTaskId = "removed");
            }
        });
    }

    private static Snapshots snapshots(VmContext vm) {
        if (vm.source() instanceof Snapshots s) {
            return s;
        }
        throw new HoistException(HoistException.Type.NOT_SUPPORTED, "MigrationTypeNotValid",
                "warm migration needs snapshots, which the " + vm.sourceType() + " provider does not support");
    }

    /** A Migration's {@code spec.cutover} as an instant; null when unset or unparsable (admission refuses those). */
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
}
