package io.hoist.api.destination;

/** Where a target disk lies, for tools that work on it after the copy (guest converters). */
public sealed interface DiskLocation {
    /** A disk image on this machine's file system. */
    record LocalFile(java.nio.file.Path path, String format) implements DiskLocation {}

    /** A PersistentVolumeClaim in a cluster; {@code volumeMode} is Filesystem (disk.img inside) or Block. */
    record ClusterVolume(ClusterAccess cluster, String namespace, String claimName, String volumeMode) implements DiskLocation {}
}
