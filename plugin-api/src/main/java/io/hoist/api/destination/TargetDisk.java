package io.hoist.api.destination;

/**
 * One disk of the target VM, as the StorageMap and the plan's templates decided.
 *
 * @param sourceDiskId   the source disk it is copied from
 * @param pvcName        PVC / DataVolume name (rendered pvcNameTemplate), or a generateName prefix
 * @param generateName   true when {@code pvcName} is a prefix (pvcNameTemplateUseGenerateName)
 * @param volumeName     volume name in the VM (rendered volumeNameTemplate)
 * @param capacity       virtual size in bytes (before any filesystem overhead)
 * @param storageClass   from the StorageMap destination
 * @param accessMode     ReadWriteOnce | ReadWriteMany | ReadOnlyMany, or null for the storage profile default
 * @param volumeMode     Filesystem | Block, or null for the default
 * @param bootOrder      0 when none
 */
public record TargetDisk(String sourceDiskId, String pvcName, boolean generateName, String volumeName, long capacity,
                         String storageClass, String accessMode, String volumeMode, int bootOrder) {}
