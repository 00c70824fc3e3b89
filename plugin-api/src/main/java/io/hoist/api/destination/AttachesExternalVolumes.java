package io.hoist.api.destination;

/**
 * Optional ability: the destination can give a target VM a disk that is an
 * {@link io.hoist.api.source.ExternalVolume} ({@link TargetDisk#externalVolume()} set). For such a disk
 * {@link Destination#allocateDisks} returns the object that makes the volume reachable (e.g. a PersistentVolume and a
 * claim bound to it) and {@link Destination#openDisk} is never called: nothing is written to it. The engine refuses to
 * migrate a VM with such disks to a destination without this ability rather than leave the disk out.
 */
public interface AttachesExternalVolumes {}
