package io.hoist.core.engine.bus;

/** Every event-bus address the engine uses, in one place. */
public final class Addresses {
    private Addresses() {}

    /** Point-to-point: run (or resume) one VM of a migration. Body {@link Messages.RunVm}. */
    public static final String VM_RUN = "hoist.engine.vm.run";

    /** Publish: cancel running VMs. Body {@link Messages.CancelVms}. */
    public static final String VM_CANCEL = "hoist.engine.vm.cancel";

    /** Publish: live transfer progress of one disk. Body {@link Messages.DiskProgress}. */
    public static final String DISK_PROGRESS = "hoist.engine.disk.progress";

    /** Point-to-point: reconcile an object now. Body {@link Messages.Reconcile}. */
    public static final String RECONCILE = "hoist.engine.reconcile";
}
