package io.hoist.core.engine.run.phase;

import io.hoist.api.destination.Destination;
import io.hoist.api.source.PowerState;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.model.resource.VmStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What a failed, canceled or archived VM leaves behind is removed: running copies are stopped and their transfer
 * slots returned, the destination removes its temporary objects (and the VM when asked), every recorded snapshot is
 * removed and the source is powered on again if it ran before. A created VM of a succeeded run is never touched.
 */
public final class Cleanup {
    private final DiskPhases disks;
    private final WarmPhases warm;

    public Cleanup(DiskPhases disks, WarmPhases warm) {
        this.disks = disks;
        this.warm = warm;
    }

    /** Stops the VM's disk copies and touches nothing else (a run stopped on a node that no longer holds it). */
    public void stopCopies(VmContext vm) {
        disks.stop(vm);
    }

    /** Returns what could not be cleaned up (one line), or null. */
    public String run(VmContext vm, Destination.CleanupReason reason, boolean deleteVm) {
        List<String> errors = new ArrayList<>();
        disks.stop(vm);
        boolean known = vm.targetIfKnown() != null || vm.sourceVmIfKnown() != null || describes(vm);
        try {
            if (known) {
                vm.destination().cleanup(vm.target(), reason, deleteVm);
            }
        } catch (Exception e) {
            errors.add("cleanup of target failed: " + VmContext.describe(e));
        }
        try {
            VmStatus entry = vm.entry();
            if (entry.warm != null && entry.warm.precopies != null) {
                for (VmStatus.Precopy p : entry.warm.precopies) {
                    warm.removeSnapshotOf(vm, p);
                }
            }
            if ("On".equals(entry.restorePowerState) && vm.sourceVmIfKnown() != null
                    && vm.source().powerState(vm.sourceVmIfKnown()) != PowerState.ON) {
                vm.source().powerOn(vm.sourceVmIfKnown());
            }
        } catch (Exception e) {
            errors.add("restoring the source failed: " + VmContext.describe(e));
        }
        return errors.isEmpty() ? null : String.join("; ", errors);
    }

    private static boolean describes(VmContext vm) {
        try {
            vm.sourceVm();
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
