package io.hoist.testkit.transfer;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Any {@link DiskIo} (the real transfer engine's, typically) that also records what a plugin asked of it, so a
 * test can check the plugin: the TLS settings each HTTP reader and uploader was opened with (the Provider's CA
 * handed on, verification never turned off by the plugin itself), the last HTTP URL and headers it read from
 * (which host, which session cookie), and how many bytes it read through every reader (only changed areas).
 */
public final class RecordingDiskIo implements DiskIo {
    private final DiskIo delegate;
    /** The TLS settings of every HTTP read or upload, by URL. */
    public final Map<URI, TlsSettings> httpTls = new ConcurrentHashMap<>();
    /** Bytes handed to the plugin by all readers opened here. */
    public final AtomicLong bytesRead = new AtomicLong();
    public volatile URI lastHttpUrl;
    public volatile Map<String, String> lastHttpHeaders;

    public RecordingDiskIo(DiskIo delegate) {
        this.delegate = delegate;
    }

    @Override
    public DiskReader openFile(Path path) throws IOException {
        return new Counting(delegate.openFile(path));
    }

    @Override
    public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException {
        httpTls.put(url, tls);
        lastHttpUrl = url;
        lastHttpHeaders = headers;
        return new Counting(delegate.openHttp(url, tls, headers));
    }

    @Override
    public DiskReader openNbd(URI uri) throws IOException {
        return new Counting(delegate.openNbd(uri));
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

    /** The reader as it is, adding what it hands out to {@link #bytesRead}. */
    private final class Counting implements DiskReader {
        private final DiskReader reader;

        Counting(DiskReader reader) {
            this.reader = reader;
        }

        @Override
        public long size() throws IOException {
            return reader.size();
        }

        @Override
        public List<Extent> extents(long offset, long length) throws IOException {
            return reader.extents(offset, length);
        }

        @Override
        public boolean sequentialOnly() {
            return reader.sequentialOnly();
        }

        @Override
        public int read(long offset, ByteBuffer dst) throws IOException {
            int n = reader.read(offset, dst);
            bytesRead.addAndGet(Math.max(n, 0));
            return n;
        }

        @Override
        public String describe() {
            return reader.describe();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
