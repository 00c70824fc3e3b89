package io.hoist.testkit.transfer;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Any {@link DiskIo} (the real transfer engine's, typically) that also keeps the TLS settings each HTTP reader and
 * uploader was opened with, so a test can check a plugin hands the Provider's CA (and never turns verification off
 * by itself).
 */
public final class TlsRecordingDiskIo implements DiskIo {
    private final DiskIo delegate;
    /** The TLS settings of every HTTP read or upload, by URL. */
    public final Map<URI, TlsSettings> httpTls = new ConcurrentHashMap<>();

    public TlsRecordingDiskIo(DiskIo delegate) {
        this.delegate = delegate;
    }

    @Override
    public DiskReader openFile(Path path) throws IOException {
        return delegate.openFile(path);
    }

    @Override
    public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException {
        httpTls.put(url, tls);
        return delegate.openHttp(url, tls, headers);
    }

    @Override
    public DiskReader openNbd(URI uri) throws IOException {
        return delegate.openNbd(uri);
    }

    @Override
    public DiskWriter createFile(Path path, long size) throws IOException {
        return delegate.createFile(path, size);
    }

    @Override
    public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) throws IOException {
        httpTls.put(url, tls);
        return delegate.openHttpUpload(url, tls, headers, size);
    }
}
