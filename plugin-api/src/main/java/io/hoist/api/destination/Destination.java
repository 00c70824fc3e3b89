package io.hoist.api.destination;

import io.hoist.api.Condition;
import io.hoist.api.transfer.DiskWriter;
import java.io.Closeable;
import java.util.List;

/**
 * A migration target. Every call must be idempotent: after a crash the engine calls it again
 * and the destination adopts what it already created (found by the labels in the spec).
 */
public interface Destination extends Closeable {
    List<Condition> testConnection();

    /** Checks the target before any work, e.g. VMAlreadyExists for a foreign VM holding the name. */
    List<Condition> validateTarget(TargetVmSpec spec) throws Exception;

    /**
     * Allocates the disks of the spec. A disk with {@link TargetDisk#attachOnly()} is not created: the destination
     * finds the disk object labelled with its {@link TargetDisk#shareId()} (copied by another VM or an earlier plan)
     * and returns it; when there is none it leaves the disk out (MTV then migrates the VM without that disk).
     */
    List<AllocatedDisk> allocateDisks(TargetVmSpec spec) throws Exception;

    /**
     * Whether {@code namespace} holds a disk object for the shared disk {@code shareId}, copied by an earlier plan or
     * another VM. Destinations that cannot share disks answer false.
     */
    default boolean sharedDiskExists(String namespace, String shareId) throws Exception {
        return false;
    }

    DiskWriter openDisk(TargetVmSpec spec, AllocatedDisk disk) throws Exception;

    /** Creates (or adopts) the VM; returns a reference such as {@code namespace/name}. */
    String createVm(TargetVmSpec spec, List<AllocatedDisk> disks) throws Exception;

    /** Why cleanup is called; decides what is kept. */
    enum CleanupReason { CANCELED, FAILED, ARCHIVED }

    /**
     * Removes temporary objects; with {@code deleteVm} also the created VM and its disks
     * (cancel, or failure with deleteVmOnFailMigration).
     */
    void cleanup(TargetVmSpec spec, CleanupReason reason, boolean deleteVm) throws Exception;

    @Override
    default void close() {}
}
