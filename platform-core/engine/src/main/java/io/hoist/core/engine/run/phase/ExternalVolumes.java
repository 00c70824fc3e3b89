package io.hoist.core.engine.run.phase;

import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.AttachesExternalVolumes;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.DetachesDisks;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.core.engine.itinerary.Step;
import io.hoist.core.engine.run.VmContext;
import io.hoist.core.engine.run.VmStatusEditor;
import io.hoist.core.model.resource.VmStatus;
import java.util.List;

/**
 * Disks the source hands over as {@link io.hoist.api.source.ExternalVolume}s (oVirt's direct LUNs), as MTV: never
 * copied (no transfer slot, no checksum; the pipeline says "attached, not copied"), attached by the destination, and
 * detached from the source VM only once the target VM exists. Until that detach nothing on the source changed, so a
 * VM that fails or is canceled earlier leaves the source as it was.
 */
public final class ExternalVolumes {
    static final String ATTACHED = "attached, not copied";

    private ExternalVolumes() {}

    /** Refuses, naming the disks, a VM whose external volumes the destination or the source cannot hand over. */
    static void requireAbilities(VmContext vm, TargetVmSpec spec) throws Exception {
        List<String> external = spec.disks().stream().filter(d -> d.external()).map(d -> d.sourceDiskId()).toList();
        if (external.isEmpty()) {
            return;
        }
        if (!(vm.destination() instanceof AttachesExternalVolumes)) {
            throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ExternalVolumeNotSupported", "VM "
                    + spec.sourceVmName() + " has disk(s) " + String.join(", ", external) + " handed over as external"
                    + " volumes (direct LUNs), which the " + vm.destinationInstance().config().type()
                    + " destination cannot attach; nothing was changed on the source");
        }
        if (!(vm.source() instanceof DetachesDisks)) {
            throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ExternalVolumeNotSupported", "the "
                    + vm.sourceType() + " source hands over external volumes " + external + " but cannot detach them");
        }
    }

    /** The allocated disks whose bytes are copied (neither another VM's shared copy nor an external volume). */
    static List<AllocatedDisk> copied(List<AllocatedDisk> allocated) {
        return allocated.stream().filter(a -> !a.disk().attachOnly() && !a.disk().external()).toList();
    }

    /** Shows each external volume on the DiskTransfer step as done without a copy (and without a checksum). */
    static void markAttached(VmContext vm, Step step) throws Exception {
        List<SourceDisk> external = vm.sourceVm().disks().stream().filter(SourceDisk::external).toList();
        if (external.isEmpty()) {
            return;
        }
        String now = VmStatusEditor.now();
        vm.status().durable(v -> {
            VmStatus.Step s = VmStatusEditor.step(v, step);
            for (SourceDisk d : external) {
                VmStatus.Task t = VmStatusEditor.task(s, d);
                t.phase = "Completed";
                t.reason = ATTACHED;
                t.progress = VmStatus.Progress.of(0, 0);
                t.completed = now;
                VmStatusEditor.annotate(t, "transfer", ATTACHED);
                VmStatusEditor.annotate(t, "verified", "false");
            }
            VmStatusEditor.sumTasks(s);
        });
    }

    /**
     * After the target VM exists: the source detaches each external volume from the source VM (idempotent, so a
     * retry after a crash detaches what is left), and the VM's creation step records which were detached.
     */
    static void detachFromSource(VmContext vm) throws Exception {
        SourceVm source = vm.sourceVm();
        List<SourceDisk> external = source.disks().stream().filter(SourceDisk::external).toList();
        if (external.isEmpty()) {
            return;
        }
        DetachesDisks detacher = (DetachesDisks) vm.source();
        for (SourceDisk d : external) {
            detacher.detachDisk(source, d);
            vm.status().durable(v -> VmStatusEditor.annotate(VmStatusEditor.step(v, Step.VirtualMachineCreation),
                    "detached." + d.id(), "true"));
        }
    }
}
