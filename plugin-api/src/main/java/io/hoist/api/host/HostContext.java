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

    /** A named worker pool for this provider's blocking SDK calls. */
    ExecutorService blockingExecutor();

    System.Logger logger(String name);
}
