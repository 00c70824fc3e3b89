package io.hoist.plugin.ova.testing;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Test double of the host: a recording publisher, a work directory and the JDK logger. The OVA plugin uses
 * nothing else; the other services fail loudly so a new dependency on them shows up in the tests.
 */
public final class HostContextTestDouble implements HostContext {
    private final Path workDir;
    private final RecordingInventoryPublisher publisher = new RecordingInventoryPublisher();

    public HostContextTestDouble(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public RecordingInventoryPublisher inventory() {
        return publisher;
    }

    @Override
    public InventoryView inventoryView() {
        throw new UnsupportedOperationException("the OVA plugin does not read other providers' inventory");
    }

    @Override
    public DiskIo diskIo() {
        throw new UnsupportedOperationException("the OVA plugin reads its own files");
    }

    @Override
    public HttpClients http() {
        throw new UnsupportedOperationException("the OVA plugin makes no HTTP calls");
    }

    @Override
    public Settings settings() {
        return Map::of;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public ExecutorService blockingExecutor() {
        throw new UnsupportedOperationException("the OVA plugin runs on the caller's thread");
    }

    @Override
    public System.Logger logger(String name) {
        return System.getLogger(name);
    }
}
