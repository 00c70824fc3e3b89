package io.hoist.core.store.postgresql;

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
         * and the copier stores them with every character outside {@code [A-Za-z0-9._-]} as {@code _}.
         */
        String checkpointPrefix() {
            return (runKey() + "_").replaceAll("[^A-Za-z0-9._-]", "_");
        }
    }

    private final Map<String, Run> byPlanVm = new ConcurrentHashMap<>();

    /** This node runs {@code run} from now on (a newer placement of the same VM replaces the older). */
    public void hold(Run run) {
        if (run.epoch() > 0) {
            byPlanVm.put(planVm(run.namespace(), run.plan(), run.vmId()), run);
        }
    }

    /** The run ended on this node. */
    public void release(Run run) {
        byPlanVm.remove(planVm(run.namespace(), run.plan(), run.vmId()));
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
        Run found = null;
        String keyed = diskKey.replaceAll("[^A-Za-z0-9._-]", "_");
        for (Run r : byPlanVm.values()) {
            // the longest prefix: VM ids "a" and "a_b" of one migration both prefix "uid_a_b_disk"
            if (keyed.startsWith(r.checkpointPrefix())
                    && (found == null || r.checkpointPrefix().length() > found.checkpointPrefix().length())) {
                found = r;
            }
        }
        return found;
    }

    private static String planVm(String namespace, String plan, String vmId) {
        return namespace + "/" + plan + "/" + vmId;
    }
}
