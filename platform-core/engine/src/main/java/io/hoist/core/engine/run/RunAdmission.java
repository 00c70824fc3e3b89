package io.hoist.core.engine.run;

import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.core.engine.itinerary.Phase;
import io.hoist.core.engine.itinerary.PhaseRef;
import io.hoist.core.engine.runtime.SourceLookups;
import io.hoist.core.engine.scheduler.VmAdmission;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The walker's side of {@link VmAdmission}: which phases need a VM's place (everything up to the end of its first
 * copy: MTV gives a VM's cost back once its disks are transferred, and a warm VM waiting between precopies holds
 * none), and what a waiting VM costs, from the source VM as plan validation described it (the inventory, no live
 * call for a VM that is only waiting).
 */
public final class RunAdmission {
    /** The Pending condition's message of a VM waiting to start. */
    public static final String WAITING = "waiting: in-flight limit reached (max %d)"; // as a VM waiting for disk slots shows

    private final VmAdmission admission;
    private final SourceLookups lookups;

    private final Placements placements;

    public RunAdmission(VmAdmission admission, SourceLookups lookups, Placements placements) {
        this.admission = admission;
        this.lookups = lookups;
        this.placements = placements;
    }

    /**
     * Asks for the place of a VM not loaded yet, when plan validation described it; empty otherwise (the run then
     * asks once loaded, {@link #admit(VmContext)}).
     */
    public java.util.Optional<CompletableFuture<VmAdmission.Ticket>> admitBeforeLoad(io.hoist.core.engine.bus.Messages.RunVm msg) {
        return placements.get(msg.plan(), msg.vmId())
                .map(p -> admission.admit(p.hostKey(), msg.plan().toString(), p.disks(), p.planCap()));
    }

    /** Whether a VM in {@code phase} must hold its place: the phase comes before or is the VM's first copy. */
    public static boolean needsPlace(VmContext vm, PhaseRef phase) {
        List<PhaseRef> phases = vm.itinerary().phases();
        int copy = -1;
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).is(Phase.CopyDisks)) {
                copy = i;
                break;
            }
        }
        int at = phases.indexOf(phase);
        return copy >= 0 && at >= 0 && at <= copy;
    }

    /** Asks for the VM's place; completes when it may walk on (cancel to leave the queue). */
    public CompletableFuture<VmAdmission.Ticket> admit(VmContext vm) {
        SourceVm described = vm.sourceVmIfKnown();
        if (described == null) {
            try {
                described = lookups.describe(vm.sourceInstance().config().uid(), vm.source(),
                        new VmRef(vm.planVm().id, vm.planVm().name)).orElse(null);
            } catch (Exception e) {
                described = null; // not found or not reachable: the Started phase reports it once the VM runs
            }
        }
        int disks = described == null || described.disks() == null ? 1 : Math.max(1, described.disks().size());
        return admission.admit(vm.hostKeyOf(described), vm.message().plan().toString(), disks,
                vm.planInt("hoist.io/max-inflight-disks"));
    }

    public String waitingReason() {
        return String.format(java.util.Locale.ROOT, WAITING, admission.limit());
    }
}
