package io.hoist.api.source;

/**
 * One disk of a source VM.
 *
 * @param id          plugin's stable id of the disk (e.g. vSphere device key, oVirt disk id)
 * @param name        human name or file
 * @param capacity    virtual size in bytes
 * @param storageId   id of the source storage (datastore, storage domain, volume type) the StorageMap maps
 * @param bus         source bus (scsi, sata, ide, virtio, nvme), informational
 * @param shared      shared between VMs
 * @param bootOrder   boot order, 0 when none
 */
public record SourceDisk(String id, String name, long capacity, String storageId, String bus,
                         boolean shared, int bootOrder) {}
