package io.hoist.plugin.openstack.disk;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.openstack.client.KeystoneSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Glance image's bytes ({@code /v2/images/<id>/file}) through the transfer engine's HTTP Range reader, with
 * the provider's TLS and the token in {@code X-Auth-Token}. A read that fails (a connection cut mid-range, a
 * token that expired or was revoked: HTTP 401) opens a new reader with the session's current token and
 * asks for the same range again, up to {@link #ATTEMPTS} times; only the failed range is read again.
 *
 * <p>Glance answers each request after a token check and a fresh open of the stored file, so the transfer
 * engine's 4 MiB reads spent most of a download in per-request overhead. This reader asks Glance for
 * {@link #WINDOW} bytes at a time and serves the engine's reads from that window: the first read that falls into
 * a window fetches it, concurrent reads of the same window wait for it, and the window is dropped once every
 * byte of it was handed out (or when more than {@link #MAX_WINDOWS} are held: an abandoned one).
 */
public final class GlanceImageReader implements DiskReader {
    static final int ATTEMPTS = 3;
    /** Bytes per request to Glance: 16 of the engine's 4 MiB reads. */
    static final int WINDOW = 64 << 20;
    /** Windows held at once (the engine's 8 reads in flight span at most two). */
    static final int MAX_WINDOWS = 3;

    private final DiskIo io;
    private final URI url;
    private final TlsSettings tls;
    private final KeystoneSession session;
    private final String what;
    private volatile DiskReader reader;
    private volatile int reopened;
    private final ConcurrentSkipListMap<Long, Window> windows = new ConcurrentSkipListMap<>();
    private final AtomicLong requests = new AtomicLong();

    public GlanceImageReader(DiskIo io, URI glance, String imageId, TlsSettings tls, KeystoneSession session, String what)
            throws IOException {
        this.io = io;
        this.url = URI.create(glance + "/v2/images/" + imageId + "/file");
        this.tls = tls;
        this.session = session;
        this.what = what;
        this.reader = open();
    }

    private DiskReader open() throws IOException {
        return io.openHttp(url, tls, Map.of("X-Auth-Token", session.tokenId()));
    }

    /** How many times a failed read opened a new reader (tests check a cut or a revoked token was survived). */
    public int reopened() {
        return reopened;
    }

    /** Range requests sent to Glance for data (tests check reads are served from windows). */
    public long requests() {
        return requests.get();
    }

    @Override
    public long size() throws IOException {
        return reader.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        long size = size();
        int total = 0;
        while (dst.hasRemaining() && offset < size) {
            Window w = window(offset / WINDOW, size);
            ByteBuffer data = w.await(what);
            int from = (int) (offset - w.start);
            int n = Math.min(dst.remaining(), w.length - from);
            dst.put(data.slice(from, n));
            offset += n;
            total += n;
            if (w.served.addAndGet(n) >= w.length) {
                windows.remove(w.index, w);
            }
        }
        return total;
    }

    /** The window with this index: held already, or fetched now by this thread. */
    private Window window(long index, long size) throws IOException {
        long start = index * WINDOW;
        Window fresh = new Window(index, start, (int) Math.min(WINDOW, size - start));
        Window held = windows.putIfAbsent(index, fresh);
        if (held != null) {
            return held;
        }
        while (windows.size() > MAX_WINDOWS) { // one a failed or abandoned copy left: the oldest goes
            var oldest = windows.firstEntry();
            if (oldest == null || oldest.getValue() == fresh) {
                break;
            }
            windows.remove(oldest.getKey(), oldest.getValue());
        }
        try {
            ByteBuffer data = ByteBuffer.allocate(fresh.length);
            readRange(start, data);
            if (data.hasRemaining()) {
                throw new IOException(what + ": Glance image ended at " + (start + data.position()) + " of " + size + " bytes");
            }
            fresh.data.complete(data.flip().asReadOnlyBuffer());
        } catch (IOException | RuntimeException e) {
            windows.remove(index, fresh);
            fresh.data.completeExceptionally(e);
            throw e;
        }
        return fresh;
    }

    private void readRange(long offset, ByteBuffer dst) throws IOException {
        requests.incrementAndGet();
        int start = dst.position();
        for (int attempt = 1; ; attempt++) {
            DiskReader r = reader;
            try {
                while (dst.hasRemaining()) {
                    int n = r.read(offset + dst.position() - start, dst);
                    if (n <= 0) {
                        return;
                    }
                }
                return;
            } catch (IOException e) {
                if (attempt >= ATTEMPTS || Thread.currentThread().isInterrupted()) {
                    throw new IOException(what + ": Glance download of range " + offset + "+" + (dst.limit() - start)
                            + " failed " + attempt + " times, last: " + e.getMessage(), e);
                }
                dst.position(start);
                reopen(r, e);
            }
        }
    }

    private synchronized void reopen(DiskReader failed, IOException cause) throws IOException {
        if (reader != failed) {
            return; // another thread reopened already
        }
        if (String.valueOf(cause.getMessage()).contains("HTTP 401")) {
            session.invalidateCurrent(); // the token expired or was revoked: log in again
        }
        try {
            failed.close();
        } catch (IOException ignored) {
            // the old connection is broken anyway
        }
        reader = open();
        reopened++;
    }

    @Override
    public String describe() {
        return "glance image " + url.getPath().replaceFirst(".*/images/", "").replace("/file", "") + " (" + what + ")";
    }

    @Override
    public void close() throws IOException {
        windows.clear();
        reader.close();
    }

    /** {@code length} bytes from {@code start}, fetched once, shared by the reads that fall into them. */
    private static final class Window {
        final long index;
        final long start;
        final int length;
        final CompletableFuture<ByteBuffer> data = new CompletableFuture<>();
        final AtomicLong served = new AtomicLong();

        Window(long index, long start, int length) {
            this.index = index;
            this.start = start;
            this.length = length;
        }

        ByteBuffer await(String what) throws IOException {
            try {
                return data.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted waiting for a Glance download");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? new IOException(io.getMessage(), io)
                        : new IOException(what + ": " + e.getCause(), e.getCause());
            }
        }
    }
}
