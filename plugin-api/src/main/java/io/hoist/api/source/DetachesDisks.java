package io.hoist.api.source;

/**
 * Optional ability of a source that hands over {@link ExternalVolume} disks: detaching such a disk from the source VM
 * once the target VM has it, so the two never run on the same volume. The disk itself is kept on the source (only the
 * attachment goes), so a user can attach it back.
 */
public interface DetachesDisks {
    /**
     * Removes the attachment of {@code disk} to {@code vm}, keeping the disk. Idempotent: a disk no longer attached
     * (a retry after a crash) returns normally.
     */
    void detachDisk(SourceVm vm, SourceDisk disk) throws Exception;
}
