package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;

import java.util.List;
import java.util.Map;

/**
 * The migration status of one VM (in {@code Plan.status.migration.vms[]} and {@code Migration.status.vms[]}):
 * the plan's VM entry plus phase, pipeline, conditions, timing, error and warm precopy state.
 */
public class VmStatus extends Plan.Vm {
    public String phase;
    public List<Step> pipeline;
    public List<Condition> conditions;
    public String started;
    public String completed;
    public VmError error;
    public Warm warm;
    public String newName;
    public String operatingSystem;
    public String firmware;
    public String restorePowerState;
    public Integer detectedBootDisk;
    public Boolean disksCopied;

    /** A pipeline task: progress in the unit the step names (usually MB or count). */
    public static class Task extends Extensible {
        public String name;
        public String description;
        public String phase;
        public String reason;
        public Progress progress;
        public Map<String, String> annotations;
        public String started;
        public String completed;
        public VmError error;
        public VmError warning;
    }

    /** A pipeline step (Initialize, DiskTransfer, ImageConversion, VirtualMachineCreation, ...). */
    public static class Step extends Task {
        public List<Task> tasks;
    }

    public static class Progress extends Extensible {
        public Long completed;
        public Long total;

        public static Progress of(long completed, long total) {
            Progress p = new Progress();
            p.completed = completed;
            p.total = total;
            return p;
        }
    }

    public static class VmError extends Extensible {
        public String phase;
        public List<String> reasons;

        public static VmError of(String phase, List<String> reasons) {
            VmError e = new VmError();
            e.phase = phase;
            e.reasons = reasons;
            return e;
        }
    }

    /** Warm migration state: one precopy per snapshot, retried on failure. */
    public static class Warm extends Extensible {
        public Integer successes;
        public Integer failures;
        public Integer consecutiveFailures;
        public String nextPrecopyAt;
        public List<Precopy> precopies;
    }

    public static class Precopy extends Extensible {
        public String start;
        public String end;
        public String snapshot;
        public String createTaskId;
        public String removeTaskId;
        public List<Delta> deltas;
    }

    /** The changed-block tracking id of one disk after a precopy. */
    public static class Delta extends Extensible {
        public String disk;
        public String deltaId;
    }
}
