package io.hoist.api.source;

/**
 * Host service ({@link io.hoist.api.host.HostContext#sourceVmChanges()}): where a source reports that a VM changed
 * under a running migration. A source calls it from wherever it notices the change (opening a disk, taking a
 * snapshot, an inventory watch); the platform puts the change on the status of every running migration of that VM
 * of this provider and ignores it for a VM no migration is running. Quick and non-blocking: safe to call from any
 * plugin thread, including one the engine is waiting on.
 */
@FunctionalInterface
public interface SourceVmChanges {
    void report(SourceVmChange change);
}
