package io.hoist.core.engine.run;

import io.hoist.api.source.SourceDisk;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.status.StatusWriter;
import io.hoist.core.model.Timestamps;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.VmStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The one way a VM run changes its status entry: every edit goes through {@link #durable} (written before the call
 * returns, so a crash resumes from it) or {@link #live} (coalesced, lost on a crash: progress, Pending), and the
 * shape helpers here (steps, tasks, annotations, conditions) keep every entry valid against MTV's CRD schema.
 */
public final class VmStatusEditor {
    public static final String ANN_PREFIX = "hoist.io/";

    private final StatusWriter writer;
    private final Messages.RunVm vm;

    public VmStatusEditor(StatusWriter writer, Messages.RunVm vm) {
        this.writer = writer;
        this.vm = vm;
    }

    /** Applies {@code change} to the entry and waits until it is stored. */
    public void durable(Consumer<VmStatus> change) {
        writer.updateVm(vm.plan(), vm.migrationName(), vm.vmId(), change).join();
    }

    /** Applies {@code change} with the next status batch, without waiting. */
    public CompletableFuture<Void> live(Consumer<VmStatus> change) {
        return writer.updateVm(vm.plan(), vm.migrationName(), vm.vmId(), change);
    }

    /** A copy of the entry as last written. */
    public VmStatus entry() {
        return writer.vm(vm.plan(), vm.vmId())
                .orElseThrow(() -> new IllegalStateException("VM " + vm.vmId() + " has no status entry on plan " + vm.plan()));
    }

    /** Another VM's entry of the same plan, as last written (e.g. the VM that copies a shared disk). */
    public java.util.Optional<VmStatus> entryOf(String vmId) {
        return writer.vm(vm.plan(), vmId);
    }

    public void pending(String reason) {
        live(v -> setCondition(v, Condition.of("Pending", Condition.TRUE, Condition.CATEGORY_ADVISORY, "Waiting", reason)));
    }

    public void clearPending() {
        live(v -> removeCondition(v, "Pending"));
    }

    /** Marks a step as skipped (shown with its reason), e.g. guest conversion without a converter. */
    public void skipStep(Step step, String reason) {
        durable(v -> {
            VmStatus.Step s = step(v, step);
            s.reason = reason;
            annotate(s, "skipped", "true");
        });
    }

    // ---- shape helpers (pure functions on an entry) ----

    /** The entry's step, added in MTV's shape when missing. */
    public static VmStatus.Step step(VmStatus v, Step step) {
        if (v.pipeline == null) {
            v.pipeline = new ArrayList<>();
        }
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

    /** The step's task for one disk, added when missing. */
    public static VmStatus.Task task(VmStatus.Step s, SourceDisk disk) {
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

    /** Step progress is the sum of its tasks'. */
    public static void sumTasks(VmStatus.Step s) {
        long done = 0;
        long total = 0;
        for (VmStatus.Task t : s.tasks == null ? java.util.List.<VmStatus.Task>of() : s.tasks) {
            if (t.progress != null) {
                done += t.progress.completed == null ? 0 : t.progress.completed;
                total += t.progress.total == null ? 0 : t.progress.total;
            }
        }
        s.progress = VmStatus.Progress.of(done, total);
    }

    public static void annotate(VmStatus.Task t, String key, String value) {
        if (t.annotations == null) {
            t.annotations = new LinkedHashMap<>();
        }
        t.annotations.put(ANN_PREFIX + key, value);
    }

    public static String annotation(VmStatus.Task t, String key) {
        return t.annotations == null ? null : t.annotations.get(ANN_PREFIX + key);
    }

    public static void setCondition(VmStatus v, Condition c) {
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

    public static void removeCondition(VmStatus v, String type) {
        if (v.conditions != null) {
            v.conditions.removeIf(c -> type.equals(c.type));
        }
    }

    /**
     * Ends every step and task still Running (or started) with {@code phase} (Canceled, Failed), keeping their last
     * progress figures and dropping the live ones (rate, ETA), which would otherwise still promise a finish.
     */
    public static void endOpenSteps(VmStatus v, String phase, String now) {
        if (v.pipeline == null) {
            return;
        }
        for (VmStatus.Step s : v.pipeline) {
            if ("Running".equals(s.phase)) {
                s.phase = phase;
                s.completed = now;
            }
            dropLiveFigures(s);
            for (VmStatus.Task t : s.tasks == null ? java.util.List.<VmStatus.Task>of() : s.tasks) {
                if ("Running".equals(t.phase) || "Pending".equals(t.phase)) {
                    t.phase = phase;
                    t.completed = now;
                    dropLiveFigures(t);
                }
            }
        }
    }

    private static void dropLiveFigures(VmStatus.Task t) {
        if (t.annotations != null) {
            t.annotations.remove(ANN_PREFIX + "rate-mibps");
            t.annotations.remove(ANN_PREFIX + "eta-seconds");
        }
    }

    /** Whether a task or step reached an end (no live update may change it any more). */
    public static boolean ended(VmStatus.Task t) {
        return "Completed".equals(t.phase) || "Canceled".equals(t.phase) || "Failed".equals(t.phase);
    }

    /** The last precopy round of a warm VM. */
    public static java.util.Optional<VmStatus.Precopy> lastPrecopy(VmStatus v) {
        if (v.warm == null || v.warm.precopies == null || v.warm.precopies.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(v.warm.precopies.get(v.warm.precopies.size() - 1));
    }

    /** The warm block of an entry, created with MTV's required counters when missing. */
    public static VmStatus.Warm warm(VmStatus v) {
        if (v.warm == null) {
            v.warm = new VmStatus.Warm();
            v.warm.successes = 0;
            v.warm.failures = 0;
            v.warm.consecutiveFailures = 0;
        }
        if (v.warm.precopies == null) {
            v.warm.precopies = new ArrayList<>();
        }
        return v.warm;
    }

    /** RFC 3339 with seconds, as the CRD schemas require. */
    public static String now() {
        return Timestamps.now();
    }
}
