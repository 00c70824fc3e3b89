package io.hoist.core.transfer;

import io.hoist.api.host.HttpClients;
import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.http.HttpRangeDiskReader;
import io.hoist.core.transfer.http.HttpUploadDiskWriter;
import io.hoist.core.transfer.nbd.NbdDiskReader;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The engine's readers and writers, handed to plugins through {@link DiskIo}. */
public final class EngineDiskIo implements DiskIo {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RANGE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(24);

    private final HttpClients httpClients;

    public EngineDiskIo(HttpClients httpClients) {
        this.httpClients = httpClients;
    }

    public EngineDiskIo() {
        this(new ProviderHttpClients());
    }

    @Override
    public DiskReader openFile(Path path) throws IOException {
        return new FileDiskReader(path);
    }

    @Override
    public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException {
        TlsSettings t = tls == null ? TlsSettings.DEFAULT : tls;
        return new HttpRangeDiskReader(url, headers, httpClients.sslContext(t), httpClients.verifyHostname(t),
                CONNECT_TIMEOUT, RANGE_TIMEOUT);
    }

    @Override
    public DiskReader openNbd(URI uri) throws IOException {
        return new NbdDiskReader(uri);
    }

    @Override
    public DiskWriter createFile(Path path, long size) throws IOException {
        return FileDiskWriter.open(path, size);
    }

    @Override
    public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) {
        return new HttpUploadDiskWriter(httpClients.client(tls, CONNECT_TIMEOUT), url, headers, size, UPLOAD_TIMEOUT);
    }

    /**
     * Opens a reader from what a user types: a file path, an http(s) URL, {@code nbd://host:port/export} or
     * {@code nbd+unix:///export?socket=PATH}.
     */
    public DiskReader openReader(String spec, TlsSettings tls) throws IOException {
        URI uri = asUri(spec);
        if (uri == null) {
            return openFile(Path.of(spec));
        }
        String scheme = uri.getScheme().toLowerCase();
        return switch (scheme) {
            case "http", "https" -> openHttp(uri, tls, Map.of());
            case "nbd", "nbd+unix" -> openNbd(uri);
            case "file" -> openFile(Path.of(uri));
            default -> throw new IllegalArgumentException("SOURCE " + spec + ": unknown scheme '" + scheme
                    + "' (use a file path, http(s)://, nbd:// or nbd+unix://)");
        };
    }

    /** Opens a writer from a file path or an http(s) upload URL. */
    public DiskWriter openWriter(String spec, TlsSettings tls, long size) throws IOException {
        URI uri = asUri(spec);
        if (uri == null) {
            return createFile(Path.of(spec), size);
        }
        String scheme = uri.getScheme().toLowerCase();
        return switch (scheme) {
            case "http", "https" -> openHttpUpload(uri, tls, Map.of(), size);
            case "file" -> createFile(Path.of(uri), size);
            default -> throw new IllegalArgumentException("TARGET " + spec + ": unknown scheme '" + scheme
                    + "' (use a file path or an http(s) upload URL)");
        };
    }

    /** A URI when {@code spec} starts with a scheme, else null (a path, even one holding ':'). */
    private static URI asUri(String spec) {
        if (!spec.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return null;
        }
        return URI.create(spec);
    }
}
