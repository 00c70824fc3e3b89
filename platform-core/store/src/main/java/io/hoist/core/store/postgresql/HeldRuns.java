package io.hoist.core.store.postgresql;

import io.hoist.core.transfer.checkpoint.CheckpointKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VM runs this node runs and the placement epoch each was sent with ({@link RunEpochs}): what a
 * {@link PostgresResourceStore#guardedBy guarded} store and a guarded {@link PostgresCheckpointStore} check a write
 * for that run against. A VM is run once per node at a time, so a run is found by its plan and VM (a VM entry's
 * write) or by the prefix of its disk copies' checkpoint keys.
 */
public final class HeldRuns {
    /** One held run: VM {@code vmId} of plan {@code namespace/plan}, migration {@code migrationUid}, at {@code epoch}. */
    public record Run(String namespace, String plan, String migrationUid, String vmId, long epoch) {
        public String runKey() {
            return RunEpochs.runKey(migrationUid, vmId);
        }

        /**
         * The start of its disk copies' checkpoint keys: the engine names them {@code migrationUid/vmId/disk[/round]}
         * and the copier stores them in {@link CheckpointKeys#safe}'s form.
         */
        String checkpointPrefix() {
            return CheckpointKeys.safe(runKey() + "_");
        }
    }

    private final Map<String, Run> byPlanVm = new ConcurrentHashMap<>();
    /** The held runs by {@link Run#checkpointPrefix}, computed once when held rather than at every checkpoint save. */
    private final Map<String, Run> byCheckpointPrefix = new ConcurrentHashMap<>();

    /** This node runs {@code run} from now on (a newer placement of the same VM replaces the older). */
    public void hold(Run run) {
        if (run.epoch() > 0) {
            Run before = byPlanVm.put(planVm(run.namespace(), run.plan(), run.vmId()), run);
            if (before != null) {
                byCheckpointPrefix.remove(before.checkpointPrefix(), before);
            }
            byCheckpointPrefix.put(run.checkpointPrefix(), run);
        }
    }

    /** The run ended on this node. */
    public void release(Run run) {
        Run held = byPlanVm.remove(planVm(run.namespace(), run.plan(), run.vmId()));
        if (held != null) {
            byCheckpointPrefix.remove(held.checkpointPrefix(), held);
        }
    }

    /** The held runs among VMs {@code vmIds} of plan {@code namespace/plan}. */
    List<Run> ofPlan(String namespace, String plan, Collection<String> vmIds) {
        List<Run> out = new ArrayList<>();
        for (String id : vmIds) {
            Run r = byPlanVm.get(planVm(namespace, plan, id));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** The held run whose disk copy saves checkpoint {@code diskKey}; null when none (not a guarded run's copy). */
    Run ofCheckpoint(String diskKey) {
        String found = null;
        String keyed = CheckpointKeys.safe(diskKey);
        for (String prefix : byCheckpointPrefix.keySet()) {
            // the longest prefix: VM ids "a" and "a_b" of one migration both prefix "uid_a_b_disk"
            if (keyed.startsWith(prefix) && (found == null || prefix.length() > found.length())) {
                found = prefix;
            }
        }
        return found == null ? null : byCheckpointPrefix.get(found);
    }

    private static String planVm(String namespace, String plan, String vmId) {
        return namespace + "/" + plan + "/" + vmId;
    }
}
