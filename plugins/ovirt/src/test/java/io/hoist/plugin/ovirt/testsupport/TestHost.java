package io.hoist.plugin.ovirt.testsupport;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.DiskIo;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.plugin.ovirt.OvirtSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The platform's HostContext for plugin tests: the real transfer engine's TLS and readers (ProviderHttpClients,
 * EngineDiskIo), a recording inventory publisher, and a logger that keeps every line so tests can look for secrets.
 */
public final class TestHost implements HostContext {
    public final RecordingPublisher publisher = new RecordingPublisher();
    public final List<String> logLines = new CopyOnWriteArrayList<>();
    private final ProviderHttpClients http = new ProviderHttpClients();
    private final EngineDiskIo diskIo = new EngineDiskIo(http);
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final Path workDir;

    public TestHost() {
        try {
            workDir = Files.createTempDirectory("hoist-ovirt-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A provider of the test engine with its CA, and these Secret keys replaced. */
    public static ProviderConfig provider(OvirtEngineTestServer engine, Map<String, String> overrides) {
        Map<String, String> secret = new HashMap<>(Map.of("user", OvirtEngineTestServer.USER,
                "password", OvirtEngineTestServer.PASSWORD, "cacert", engine.tls.caPem));
        secret.putAll(overrides);
        secret.values().removeIf(v -> v == null);
        return new ProviderConfig("uid-ovirt-1", "ns", "engine", "ovirt", engine.url, Map.of(), secret);
    }

    public OvirtSource source(OvirtEngineTestServer engine) {
        return new OvirtSource(provider(engine, Map.of()), this);
    }

    @Override public InventoryPublisher inventory() { return publisher; }
    @Override public InventoryView inventoryView() { throw new UnsupportedOperationException("not used by ovirt"); }
    @Override public DiskIo diskIo() { return diskIo; }
    @Override public HttpClients http() { return http; }
    @Override public Settings settings() { return Map::of; }
    @Override public Path workDir() { return workDir; }
    @Override public ExecutorService blockingExecutor() { return pool; }

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
