package io.hoist.core.engine.run;

import io.hoist.api.destination.Destination;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.resource.Plan;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * An archived plan's leftovers are removed once per plan: of VMs of its last run that did not succeed, partial
 * disks and snapshots go (a created VM stays); of every VM with hooks, what the hook runs left (a failed Job kept
 * for inspection, the runs' state).
 */
public final class ArchiveCleanup {
    private static final System.Logger LOG = System.getLogger(ArchiveCleanup.class.getName());

    private final VmLoader loader;
    private final io.hoist.core.engine.run.phase.Cleanup cleanup;
    private final io.hoist.core.engine.run.phase.HookPhases hooks;
    private final Executor executor;
    private final Set<String> cleaned = ConcurrentHashMap.newKeySet();

    public ArchiveCleanup(VmLoader loader, io.hoist.core.engine.run.phase.Cleanup cleanup,
                          io.hoist.core.engine.run.phase.HookPhases hooks, Executor executor) {
        this.loader = loader;
        this.cleanup = cleanup;
        this.hooks = hooks;
        this.executor = executor;
    }

    public void onPlan(Plan plan) {
        if (!plan.spec.isArchived() || plan.status == null || plan.status.migration == null
                || plan.status.migration.vms == null || plan.status.migration.history == null
                || plan.status.migration.history.isEmpty() || !cleaned.add(plan.metadata.uid)) {
            return;
        }
        var last = plan.status.migration.history.get(plan.status.migration.history.size() - 1).migration;
        Messages.PlanKey key = new Messages.PlanKey(plan.namespace(), plan.name());
        for (var vm : plan.status.migration.vms) {
            if (vm.completed == null) {
                continue;
            }
            boolean succeeded = Conditions.isTrue(vm.conditions, Conditions.SUCCEEDED);
            if (succeeded && (vm.hooks == null || vm.hooks.isEmpty())) {
                continue;
            }
            executor.execute(() -> {
                try {
                    VmContext ctx = loader.load(new Messages.RunVm(key, last.name, last.uid, vm.id));
                    try {
                        java.util.List<String> errors = new java.util.ArrayList<>();
                        if (!succeeded) {
                            String error = cleanup.run(ctx, Destination.CleanupReason.ARCHIVED, false);
                            if (error != null) {
                                errors.add(error);
                            }
                        }
                        hooks.archive(ctx, errors); // a succeeded VM's hooks may have left state too
                        if (!errors.isEmpty()) {
                            LOG.log(System.Logger.Level.WARNING, "archive cleanup of VM " + vm.id + " in plan " + key + ": "
                                    + String.join("; ", errors));
                        }
                    } finally {
                        ctx.end();
                    }
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "archive cleanup of VM " + vm.id + " in plan " + key + " failed: " + e.getMessage());
                }
            });
        }
    }
}
