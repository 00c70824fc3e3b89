package io.hoist.core.engine.runtime;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;

/** The {@link HostContext} of one provider instance: shared services plus its own pool and directory. */
final class ProviderHostContext implements HostContext {
    private final HostServices services;
    private final InventoryPublisher publisher;
    private final Path workDir;
    private final ExecutorService pool;
    private final String loggerPrefix;
    private final io.hoist.api.source.SourceVmChanges vmChanges;

    ProviderHostContext(HostServices services, InventoryPublisher publisher, Path workDir, ExecutorService pool,
                        String loggerPrefix, io.hoist.api.source.SourceVmChanges vmChanges) {
        this.vmChanges = vmChanges;
        this.services = services;
        this.publisher = publisher;
        this.workDir = workDir;
        this.pool = pool;
        this.loggerPrefix = loggerPrefix;
    }

    @Override
    public InventoryPublisher inventory() { return publisher; }

    @Override
    public InventoryView inventoryView() { return services.inventoryView(); }

    @Override
    public DiskIo diskIo() { return services.diskIo(); }

    @Override
    public HttpClients http() { return services.http(); }

    @Override
    public Settings settings() { return services.settings(); }

    @Override
    public Path workDir() { return workDir; }

    @Override
    public ExecutorService blockingExecutor() { return pool; }

    @Override
    public io.hoist.api.source.SourceVmChanges sourceVmChanges() { return vmChanges; }

    @Override
    public System.Logger logger(String name) {
        return System.getLogger(loggerPrefix + "." + name);
    }
}
