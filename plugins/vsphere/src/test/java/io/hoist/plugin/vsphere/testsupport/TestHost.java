package io.hoist.plugin.vsphere.testsupport;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Test double of the platform's HostContext; records every log line so tests can look for secrets. */
public final class TestHost implements HostContext {
    public final RecordingPublisher publisher = new RecordingPublisher();
    public final DiskIoTestDouble diskIo = new DiskIoTestDouble();
    public final List<String> logLines = new CopyOnWriteArrayList<>();
    /** What the plugin reported about VMs changed under a migration (the engine puts these on the VM's status). */
    public final List<io.hoist.api.source.SourceVmChange> vmChanges = new CopyOnWriteArrayList<>();
    private final HttpClientsTestDouble http = new HttpClientsTestDouble();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Path workDir;

    public TestHost() {
        try {
            workDir = Files.createTempDirectory("hoist-vsphere-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public InventoryPublisher inventory() { return publisher; }
    @Override public InventoryView inventoryView() { throw new UnsupportedOperationException("not used by vsphere"); }
    @Override public DiskIo diskIo() { return diskIo; }
    @Override public HttpClients http() { return http; }
    /** The ForkliftController settings the plugin sees (live: tests may change them). */
    public final Map<String, String> settings = new java.util.concurrent.ConcurrentHashMap<>();

    @Override public Settings settings() { return () -> Map.copyOf(settings); }
    @Override public Path workDir() { return workDir; }
    @Override public ExecutorService blockingExecutor() { return pool; }

    @Override
    public io.hoist.api.source.SourceVmChanges sourceVmChanges() { return vmChanges::add; }

    @Override
    public System.Logger logger(String name) {
        return new System.Logger() {
            @Override public String getName() { return name; }
            @Override public boolean isLoggable(Level level) { return true; }
            @Override public void log(Level level, java.util.ResourceBundle b, String msg, Throwable t) {
                logLines.add(level + " " + msg + (t == null ? "" : " " + t));
            }
            @Override public void log(Level level, java.util.ResourceBundle b, String fmt, Object... params) {
                logLines.add(level + " " + java.text.MessageFormat.format(fmt, params));
            }
        };
    }
}
