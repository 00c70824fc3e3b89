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
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Test double of the host: sparse files through {@link SparseFileDiskWriterForTest}, HTTP uploads
 * through {@link HttpUploadDiskWriterForTest}, settings from a mutable map.
 */
public final class HostContextForTest implements HostContext {
    public final Map<String, String> settings = new ConcurrentHashMap<>();
    /** TLS settings each HTTP reader was opened with. */
    public final Map<URI, TlsSettings> httpTls = new ConcurrentHashMap<>();
    private final Path workDir;
    public final InventoryPublisherForTest inventory = new InventoryPublisherForTest();
    /** The provider uid the recorded inventory belongs to. */
    public String inventoryProviderUid = "uid-host";

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
            public java.util.Optional<Map<String, Object>> get(String providerUid, String collection, String id) {
                if (!providerUid.equals(inventoryProviderUid)) {
                    return java.util.Optional.empty();
                }
                return java.util.Optional.ofNullable((Map<String, Object>) inventory.collections.getOrDefault(collection, Map.of()).get(id));
            }

            @Override
            public java.util.Optional<Map<String, Object>> find(String providerUid, String collection, String idOrName) {
                return get(providerUid, collection, idOrName);
            }

            @Override
            @SuppressWarnings("unchecked")
            public java.util.Optional<Map<String, Object>> workload(String providerUid, String vmId) {
                return providerUid.equals(inventoryProviderUid)
                        ? java.util.Optional.ofNullable((Map<String, Object>) inventory.workloads.get(vmId)) : java.util.Optional.empty();
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
            public DiskReader openFile(Path path) {
                throw new UnsupportedOperationException("file and NBD readers are not used by these tests");
            }

            @Override
            public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) {
                httpTls.put(url, tls);
                return new HttpRangeDiskReaderForTest(url, headers);
            }

            @Override
            public DiskReader openNbd(URI uri) {
                throw new UnsupportedOperationException("file and NBD readers are not used by these tests");
            }

            @Override
            public DiskWriter createFile(Path path, long size) throws java.io.IOException {
                return new SparseFileDiskWriterForTest(path, size);
            }

            @Override
            public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) {
                return new HttpUploadDiskWriterForTest(url, headers, size);
            }
        };
    }

    @Override
    public HttpClients http() {
        return new HttpClients() {
            @Override
            public SSLContext sslContext(TlsSettings tls) {
                try {
                    return SSLContext.getDefault();
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public HttpClient client(TlsSettings tls, Duration connectTimeout) {
                return HttpClient.newBuilder().connectTimeout(connectTimeout).build();
            }
        };
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
