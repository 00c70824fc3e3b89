package io.hoist.core.engine.itinerary;

/**
 * Every phase a VM can be in. The current phase is durable (stored on the plan status), so a
 * restarted engine resumes a VM exactly there; each phase's handler must therefore be idempotent.
 */
public enum Phase {
    Started(Step.Initialize),
    PreHook(Step.PreHook),
    StorePowerState(Step.Initialize),
    PowerOffSource(Step.Initialize),
    CreateInitialSnapshot(Step.Initialize),
    AllocateDisks(Step.DiskAllocation),
    CopyDisks(Step.DiskTransfer),
    /** Warm: wait for the precopy interval or the cutover time, taking delta snapshots in between. */
    Precopy(Step.DiskTransfer),
    PowerOffSourceForCutover(Step.Cutover),
    CreateFinalSnapshot(Step.Cutover),
    CopyFinalDelta(Step.Cutover),
    RemoveFinalSnapshot(Step.Cutover),
    ConvertGuest(Step.ImageConversion),
    CreateVm(Step.VirtualMachineCreation),
    PostHook(Step.PostHook),
    Completed(null);

    private final Step step;

    Phase(Step step) {
        this.step = step;
    }

    /** The pipeline step the phase belongs to; null for Completed. */
    public Step step() {
        return step;
    }
}
