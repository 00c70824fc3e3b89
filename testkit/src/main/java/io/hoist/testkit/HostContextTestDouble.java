package io.hoist.testkit;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
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

/**
 * Test double of the platform's {@link HostContext}: a {@link RecordingInventoryPublisher}, a work folder, a
 * virtual-thread executor (as the platform gives), live settings from a map, every log line kept (tests look
 * for leaked secrets there) and every VM change the plugin reports. Disk I/O, HTTP clients and other providers' inventory are whatever the test hands in;
 * a plugin that uses one the test did not give fails loudly with the service's name.
 */
public class HostContextTestDouble implements HostContext, AutoCloseable {
    private final Path workDir;
    private final RecordingInventoryPublisher publisher;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    // tests change settings while a plugin reads them (live ForkliftController settings)
    private final Map<String, String> settings = new java.util.concurrent.ConcurrentHashMap<>();
    public final List<String> logLines = new CopyOnWriteArrayList<>();
    /** What the plugin reported about VMs changed under a migration (the engine puts these on the VM's status). */
    public final List<io.hoist.api.source.SourceVmChange> vmChanges = new CopyOnWriteArrayList<>();
    private DiskIo diskIo;
    private HttpClients http;
    private InventoryView inventoryView;

    public HostContextTestDouble(Path workDir) {
        this(workDir, new RecordingInventoryPublisher());
    }

    public HostContextTestDouble(Path workDir, RecordingInventoryPublisher publisher) {
        this.workDir = workDir;
        this.publisher = publisher;
    }

    /** A host whose work folder is a fresh temporary directory named {@code prefix...}. */
    public static HostContextTestDouble inTempDirectory(String prefix) {
        try {
            return new HostContextTestDouble(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public HostContextTestDouble withDiskIo(DiskIo diskIo) {
        this.diskIo = diskIo;
        return this;
    }

    public HostContextTestDouble withHttp(HttpClients http) {
        this.http = http;
        return this;
    }

    public HostContextTestDouble withInventoryView(InventoryView view) {
        this.inventoryView = view;
        return this;
    }

    /** Sets a ForkliftController setting ({@code controller_*}) as the plugin will read it. */
    public HostContextTestDouble withSetting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    @Override
    public RecordingInventoryPublisher inventory() {
        return publisher;
    }

    @Override
    public InventoryView inventoryView() {
        return require(inventoryView, "inventoryView");
    }

    @Override
    public DiskIo diskIo() {
        return require(diskIo, "diskIo");
    }

    @Override
    public HttpClients http() {
        return require(http, "http");
    }

    @Override
    public Settings settings() {
        return () -> Map.copyOf(settings);
    }

    @Override
    public io.hoist.api.source.SourceVmChanges sourceVmChanges() {
        return vmChanges::add;
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public ExecutorService blockingExecutor() {
        return executor;
    }

    @Override
    public System.Logger logger(String name) {
        return new System.Logger() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                logLines.add(level + " " + msg + (thrown == null ? "" : " " + thrown));
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                logLines.add(level + " " + (params == null || params.length == 0 ? format
                        : java.text.MessageFormat.format(format, params)));
            }
        };
    }

    private static <T> T require(T service, String name) {
        if (service == null) {
            throw new UnsupportedOperationException("HostContextTestDouble: the test gave no " + name
                    + "; hand one in with with" + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "(...)");
        }
        return service;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
