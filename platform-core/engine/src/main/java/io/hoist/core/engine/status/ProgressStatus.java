package io.hoist.core.engine.status;

import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.resource.VmStatus;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The status writer's side of {@link io.hoist.core.engine.bus.Addresses#DISK_PROGRESS}: shows a disk copy's progress,
 * rate and ETA on its VM's task and step. The bus carries every report; the status takes at most one per disk every
 * two seconds (and always the last), as a live change of the next batch.
 */
public final class ProgressStatus {
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final StatusWriter writer;
    /** When a disk's progress was last written, by migration/VM/disk; forgotten at the disk's last report. */
    private final Map<String, Long> lastWrite = new ConcurrentHashMap<>();

    public ProgressStatus(StatusWriter writer) {
        this.writer = writer;
    }

    public void accept(Messages.DiskProgress m) {
        TransferProgress p = m.progress();
        String key = m.migrationUid() + "/" + m.vmId() + "/" + p.diskId();
        long now = System.nanoTime();
        boolean last = p.bytesDone() >= p.bytesTotal();
        if (last) {
            lastWrite.remove(key);
        } else {
            Long before = lastWrite.get(key);
            if (before != null && now - before < EVERY_NANOS) {
                return;
            }
            lastWrite.put(key, now);
        }
        Step step;
        try {
            step = Step.valueOf(m.step());
        } catch (IllegalArgumentException | NullPointerException notAStep) {
            return;
        }
        writer.updateVm(m.plan(), m.migrationName(), m.vmId(), v -> apply(v, step, p));
    }

    private static void apply(VmStatus v, Step step, TransferProgress p) {
        if (Conditions.isTrue(v.conditions, "Canceled") || Conditions.isTrue(v.conditions, "Failed")) {
            return; // a late report must not reopen a canceled or failed VM's disk
        }
        VmStatus.Step st = VmStatusEditor.step(v, step);
        VmStatus.Task t = st.tasks == null ? null
                : st.tasks.stream().filter(x -> p.diskId().equals(x.name)).findFirst().orElse(null);
        if (t == null || VmStatusEditor.ended(t)) {
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
}
