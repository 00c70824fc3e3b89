package io.hoist.core.engine.runtime;

import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The platform services the engine hands to providers through their {@link io.hoist.api.host.HostContext}. */
public interface HostServices {
    /** Registers (anew) the inventory of a source provider and returns its publisher. */
    InventoryPublisher publisher(String providerType, String providerUid, String namespace, String name);

    /** Forgets a deleted provider's inventory. */
    void dropInventory(String providerType, String providerUid);

    InventoryView inventoryView();

    /**
     * Calls {@code changed} with a provider's uid whenever its inventory changes (documents, concerns, a
     * finished or failed collection), on the publishing thread: keep it quick. Close the handle to stop.
     */
    default AutoCloseable onInventoryChange(Consumer<String> changed) {
        return () -> { };
    }

    DiskIo diskIo();

    HttpClients http();

    Settings settings();

    /** Root of the platform's data directory. */
    Path dataDir();
}
