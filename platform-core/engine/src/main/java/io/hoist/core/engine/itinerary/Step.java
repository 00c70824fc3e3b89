package io.hoist.core.engine.itinerary;

/**
 * The pipeline steps MTV shows per VM ({@code status.migration.vms[].pipeline[]}); each phase
 * belongs to one step.
 */
public enum Step {
    Initialize("Initialize migration."),
    PreHook("Run pre-migration hook."),
    DiskAllocation("Allocate disks."),
    DiskTransfer("Transfer disks."),
    Cutover("Finalize the warm migration: stop the source and copy the final delta."),
    ImageConversion("Convert image to kubevirt."),
    VirtualMachineCreation("Create VM."),
    PostHook("Run post-migration hook.");

    private final String description;

    Step(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Steps whose progress is counted in MB of disk data. */
    public boolean countsMegabytes() {
        return this == DiskTransfer || this == Cutover || this == DiskAllocation;
    }
}
