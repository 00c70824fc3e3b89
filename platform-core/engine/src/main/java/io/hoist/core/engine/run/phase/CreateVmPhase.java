package io.hoist.core.engine.run.phase;

import io.hoist.api.destination.TargetVmSpec;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.Outcome;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;

/** CreateVm: the destination creates (or adopts, after a crash) the VM from the target spec and allocated disks. */
public final class CreateVmPhase {
    private final DiskPhases disks;
    /** Refuses a run this node no longer holds ({@code RunPlacement.checkStillPlaced}): no target VM of a stale node. */
    private final java.util.function.Consumer<io.hoist.core.engine.bus.Messages.RunVm> stillPlaced;

    public CreateVmPhase(DiskPhases disks, java.util.function.Consumer<io.hoist.core.engine.bus.Messages.RunVm> stillPlaced) {
        this.disks = disks;
        this.stillPlaced = stillPlaced;
    }

    public Outcome run(VmContext vm) throws Exception {
        TargetVmSpec target = vm.target();
        stillPlaced.accept(vm.message());
        String ref = vm.destination().createVm(target, disks.allocated(vm));
        vm.status().durable(v -> {
            VmStatusEditor.annotate(VmStatusEditor.step(v, Step.VirtualMachineCreation), "target-vm", ref);
            v.newName = target.name();
        });
        ExternalVolumes.detachFromSource(vm); // only now: the target VM holds the volumes
        return Outcome.NEXT;
    }
}
