package io.hoist.core.engine.bus;

/** Every event-bus address the engine uses, in one place. */
public final class Addresses {
    private Addresses() {}

    /** Point-to-point: run (or resume) one VM of a migration. Body {@link Messages.RunVm}. */
    public static final String VM_RUN = "hoist.engine.vm.run";

    /** Publish: cancel running VMs (their runs and their disk copies both listen). Body {@link Messages.CancelVms}. */
    public static final String VM_CANCEL = "hoist.engine.vm.cancel";

    /** Publish: live transfer progress of one disk. Body {@link Messages.DiskProgress}. */
    public static final String DISK_PROGRESS = "hoist.engine.disk.progress";

    /**
     * Point-to-point, one address per source host: copy a VM's disks. Body {@link Messages.CopyDisks}. The host's
     * consumer is paused and fetches a message only while the host has a free transfer slot (credit).
     */
    public static String diskCopy(String hostKey) {
        return DISK_COPY_PREFIX + hostKey;
    }

    public static final String DISK_COPY_PREFIX = "hoist.engine.disk.copy.";

    /** Point-to-point: a copy round ended. Body {@link Messages.CopyDone}. */
    public static final String DISK_COPY_DONE = "hoist.engine.disk.done";

    /** Point-to-point: reconcile an object now. Body {@link Messages.Reconcile}. */
    public static final String RECONCILE = "hoist.engine.reconcile";
}
