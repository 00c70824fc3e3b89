package io.hoist.api.source;

import io.hoist.api.Condition;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.transfer.DiskReader;
import java.io.Closeable;
import java.util.List;
import java.util.Optional;

/**
 * A connected migration source. Small on purpose: inventory, VM description, disks and power.
 * Optional abilities are separate interfaces ({@link Snapshots}, {@link ChangedAreas},
 * {@link WatchesInventory}); the engine checks for them with {@code instanceof}.
 * Calls may block: the engine makes them from virtual threads (one per VM run, disk copy or reconcile pass).
 */
public interface SourceProvider extends Closeable {
    /**
     * Connects and returns conditions: ConnectionTestSucceeded True, or ConnectionTestSucceeded False
     * plus the reason (ConnectionAuthFailed, UrlNotValid, SecretNotValid, ...).
     */
    List<Condition> testConnection();

    /** A full inventory collection, published through {@code publisher}. */
    void collectInventory(InventoryPublisher publisher) throws Exception;

    /** Finds a VM by id or name; empty when it does not exist. */
    Optional<SourceVm> describe(VmRef vm) throws Exception;

    /** Opens a disk for reading, from the live disk or from a snapshot's view when {@code snapshot} is set. */
    DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws Exception;

    PowerState powerState(SourceVm vm) throws Exception;

    void powerOff(SourceVm vm) throws Exception;

    void powerOn(SourceVm vm) throws Exception;

    @Override
    default void close() {}
}
