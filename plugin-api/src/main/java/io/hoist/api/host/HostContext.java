package io.hoist.api.host;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/** Host services handed to a provider when it is created (Trino's ConnectorContext). */
public interface HostContext {
    /** Publishes this provider's inventory. */
    InventoryPublisher inventory();

    /** Reads any provider's published inventory. */
    InventoryView inventoryView();

    /** The transfer engine's readers and writers. */
    DiskIo diskIo();

    HttpClients http();

    Settings settings();

    /** A private working directory for this provider instance. */
    Path workDir();

    /**
     * An executor for this provider's own background work (an inventory watch, parallel SDK calls): one virtual thread
     * per task, named after the provider; shut down when the provider instance closes.
     */
    ExecutorService blockingExecutor();

    System.Logger logger(String name);

    /**
     * Where this source reports that a VM changed under a running migration (moved, snapshotted by someone else, ...);
     * the platform shows it on the VM's status. A host that runs no migrations (a connection test, a plugin's own test
     * double) logs the report as a warning instead, so it is never silently lost.
     */
    default io.hoist.api.source.SourceVmChanges sourceVmChanges() {
        return change -> logger("vm-changes").log(System.Logger.Level.WARNING, "VM " + change.vmId() + " changed during"
                + " the migration (" + change.category() + " " + change.type() + "/" + change.reason() + "): " + change.message());
    }
}
