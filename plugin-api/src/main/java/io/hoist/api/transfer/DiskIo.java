package io.hoist.api.transfer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The transfer engine's readers and writers, offered to plugins so no plugin writes its own
 * HTTP-range, NBD or sparse-file code.
 */
public interface DiskIo {
    /** A file or block device. */
    DiskReader openFile(Path path) throws IOException;

    /** An http(s) URL read with Range requests; {@code headers} may carry auth (never logged). */
    DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException;

    /** {@code nbd://host:port/export} or {@code nbd+unix:///export?socket=PATH}. */
    DiskReader openNbd(URI uri) throws IOException;

    /** A sparse file of the given size, created if missing (an existing file is kept for resume). */
    DiskWriter createFile(Path path, long size) throws IOException;

    /** An HTTP(S) upload target (e.g. CDI's upload proxy). */
    DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) throws IOException;
}
