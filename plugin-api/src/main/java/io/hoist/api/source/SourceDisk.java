package io.hoist.api.source;

/**
 * One disk of a source VM.
 *
 * @param id             plugin's stable id of the disk (e.g. vSphere device key, oVirt disk id)
 * @param name           human name or file
 * @param capacity       virtual size in bytes
 * @param storageId      id of the source storage (datastore, storage domain, volume type) the StorageMap maps
 * @param bus            source bus (scsi, sata, ide, virtio, nvme), informational
 * @param shared         shared between VMs
 * @param bootOrder      boot order, 0 when none
 * @param serial         the serial number the guest sees (vSphere: the backing's UUID), or null
 * @param winDriveLetter the Windows drive letter the guest mounts it as (lower case, e.g. {@code c}), or null
 * @param shareId        for a shared disk, what names it the same for every VM attached to it (vSphere: its
 *                       datastore file), unique within the source provider; null when not shared
 * @param externalVolume for a disk the source hands over instead of copying (a direct LUN): where the volume is;
 *                       null for a disk whose bytes are copied. Such a disk needs no StorageMap entry.
 */
public record SourceDisk(String id, String name, long capacity, String storageId, String bus,
                         boolean shared, int bootOrder, String serial, String winDriveLetter, String shareId,
                         ExternalVolume externalVolume) {
    /** A disk whose bytes are copied. */
    public SourceDisk(String id, String name, long capacity, String storageId, String bus,
                      boolean shared, int bootOrder, String serial, String winDriveLetter, String shareId) {
        this(id, name, capacity, storageId, bus, shared, bootOrder, serial, winDriveLetter, shareId, null);
    }

    /** True when the disk is handed over as an external volume, not copied. */
    public boolean external() {
        return externalVolume != null;
    }

    /**
     * A disk whose serial and drive letter the source does not know; a shared one is identified by its id, which is
     * the same for every VM attached to it where ids are the disk's own (oVirt disk ids, KubeVirt claims).
     */
    public SourceDisk(String id, String name, long capacity, String storageId, String bus, boolean shared, int bootOrder) {
        this(id, name, capacity, storageId, bus, shared, bootOrder, null, null, shared ? id : null);
    }
}
