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
 * @param serial         serial number the guest sees (at most 20 characters), or null
 * @param shareId        for a disk several VMs share: the same for all of them (labels the disk object so each VM
 *                       attaches the one copy); null when not shared
 * @param attachOnly     the disk is copied by another VM (or was by an earlier plan): the destination attaches the
 *                       existing disk object labelled with {@code shareId} instead of creating one
 * @param externalVolume the source hands this disk over as a volume both sides reach (a direct LUN): the destination
 *                       attaches that volume ({@link AttachesExternalVolumes}) and nothing is copied; null otherwise
 */
public record TargetDisk(String sourceDiskId, String pvcName, boolean generateName, String volumeName, long capacity,
                         String storageClass, String accessMode, String volumeMode, int bootOrder,
                         String serial, String shareId, boolean attachOnly, io.hoist.api.source.ExternalVolume externalVolume) {
    /** A copied disk. */
    public TargetDisk(String sourceDiskId, String pvcName, boolean generateName, String volumeName, long capacity,
                      String storageClass, String accessMode, String volumeMode, int bootOrder,
                      String serial, String shareId, boolean attachOnly) {
        this(sourceDiskId, pvcName, generateName, volumeName, capacity, storageClass, accessMode, volumeMode, bootOrder,
                serial, shareId, attachOnly, null);
    }

    /** True when the disk is an external volume the destination attaches instead of receiving a copy. */
    public boolean external() {
        return externalVolume != null;
    }

    /** A disk of one VM only, without a serial. */
    public TargetDisk(String sourceDiskId, String pvcName, boolean generateName, String volumeName, long capacity,
                      String storageClass, String accessMode, String volumeMode, int bootOrder) {
        this(sourceDiskId, pvcName, generateName, volumeName, capacity, storageClass, accessMode, volumeMode, bootOrder,
                null, null, false);
    }

    public boolean shared() {
        return shareId != null;
    }
}
