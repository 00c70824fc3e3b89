package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.host.HostContext;
import io.hoist.api.host.HttpClients;
import io.hoist.api.host.Settings;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test double of the host: the real transfer engine's {@link EngineDiskIo} and per-provider HTTP clients,
 * settings from a mutable map, and the inventory recorded by {@link InventoryPublisherForTest}.
 */
public final class HostContextForTest implements HostContext {
    public final Map<String, String> settings = new ConcurrentHashMap<>();
    /** TLS settings each HTTP reader was opened with. */
    public final Map<URI, TlsSettings> httpTls = new ConcurrentHashMap<>();
    public final InventoryPublisherForTest inventory = new InventoryPublisherForTest();
    /** The provider uid the recorded inventory belongs to. */
    public String inventoryProviderUid = "uid-host";

    private final Path workDir;
    private final ProviderHttpClients http = new ProviderHttpClients();
    private final EngineDiskIo engine = new EngineDiskIo(http);

    public HostContextForTest(Path workDir) {
        this.workDir = workDir;
    }

    @Override
    public InventoryPublisher inventory() {
        return inventory;
    }

    @Override
    public InventoryView inventoryView() {
        // One provider's inventory: what this host's publisher recorded, under inventoryProviderUid.
        return new InventoryView() {
            @Override
            @SuppressWarnings("unchecked")
            public Optional<Map<String, Object>> get(String providerUid, String collection, String id) {
                if (!providerUid.equals(inventoryProviderUid)) {
                    return Optional.empty();
                }
                return Optional.ofNullable((Map<String, Object>) inventory.collections.getOrDefault(collection, Map.of()).get(id));
            }

            @Override
            public Optional<Map<String, Object>> find(String providerUid, String collection, String idOrName) {
                return get(providerUid, collection, idOrName);
            }

            @Override
            @SuppressWarnings("unchecked")
            public Optional<Map<String, Object>> workload(String providerUid, String vmId) {
                return providerUid.equals(inventoryProviderUid)
                        ? Optional.ofNullable((Map<String, Object>) inventory.workloads.get(vmId)) : Optional.empty();
            }

            @Override
            public long revision(String providerUid) {
                return inventory.events.size();
            }
        };
    }

    @Override
    public DiskIo diskIo() {
        return new DiskIo() {
            @Override
            public DiskReader openFile(Path path) throws IOException {
                return engine.openFile(path);
            }

            @Override
            public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException {
                httpTls.put(url, tls);
                return engine.openHttp(url, tls, headers);
            }

            @Override
            public DiskReader openNbd(URI uri) throws IOException {
                return engine.openNbd(uri);
            }

            @Override
            public DiskWriter createFile(Path path, long size) throws IOException {
                return engine.createFile(path, size);
            }

            @Override
            public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) throws IOException {
                return engine.openHttpUpload(url, tls, headers, size);
            }
        };
    }

    @Override
    public HttpClients http() {
        return http;
    }

    @Override
    public Settings settings() {
        return () -> Map.copyOf(settings);
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public ExecutorService blockingExecutor() {
        return Executors.newSingleThreadExecutor();
    }

    @Override
    public System.Logger logger(String name) {
        return System.getLogger(name);
    }
}
