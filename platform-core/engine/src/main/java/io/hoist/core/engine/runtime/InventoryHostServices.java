package io.hoist.core.engine.runtime;

import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@link HostServices} on the platform's inventory service, transfer engine, settings and data dir. */
public record InventoryHostServices(Inventory inventory, DiskIo diskIo, HttpClients http, Settings settings, Path dataDir)
        implements HostServices {
    @Override
    public InventoryPublisher publisher(String providerType, String providerUid, String namespace, String name) {
        return inventory.register(new ProviderRef(providerUid, namespace, name, providerType));
    }

    @Override
    public void dropInventory(String providerType, String providerUid) {
        inventory.unregister(providerUid);
    }

    @Override
    public InventoryView inventoryView() {
        return inventory;
    }

    @Override
    public AutoCloseable onInventoryChange(Consumer<String> changed) {
        return inventory.addListener(e -> changed.accept(e.providerUid()));
    }
}
