package io.hoist.core.transfer.http;

import io.hoist.api.transfer.DiskReader;
import io.hoist.core.transfer.pool.ConnectionPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An image behind an http(s) URL, read with {@code Range} requests over a pool of keep-alive connections, one per
 * concurrent caller (like the NBD reader), so requests run in parallel and each body lands in the caller's buffer
 * without passing through another thread. A connection that fails is closed, never reused. Headers (e.g.
 * Authorization) are sent but never logged or put in errors; errors name the URL without its query.
 */
public final class HttpRangeDiskReader implements DiskReader {
    private static final Pattern CONTENT_RANGE_TOTAL = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+)");

    private final URI url;
    private final String pathAndQuery;
    private final Map<String, String> headers;
    private final ConnectionPool<HttpRangeConnection> pool;
    private final long size;

    public HttpRangeDiskReader(URI url, Map<String, String> headers, SSLContext tls, boolean verifyHostname,
                               Duration connectTimeout, Duration requestTimeout) throws IOException {
        HttpUrls.requireHttp(url);
        this.url = url;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.pathAndQuery = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.headers = Map.copyOf(headers == null ? Map.of() : headers);
        this.pool = new ConnectionPool<>(describe(), () -> {
            try {
                return HttpRangeConnection.open(url, tls, verifyHostname, connectTimeout, requestTimeout);
            } catch (IOException | RuntimeException e) {
                throw wrap(e);
            }
        });
        this.size = probeSize();
    }

    /** Asks for the first byte: a 206 with {@code Content-Range: bytes 0-0/SIZE} also proves Range support. */
    private long probeSize() throws IOException {
        HttpRangeConnection c = pool.take();
        try {
            HttpRangeConnection.Reply r = c.get(pathAndQuery, "bytes=0-0", headers);
            if (r.status() == 206) {
                Matcher m = CONTENT_RANGE_TOTAL.matcher(r.header("content-range") == null ? "" : r.header("content-range"));
                if (!m.find()) {
                    throw new IOException(describe() + ": 206 reply without a usable Content-Range header");
                }
                c.readBody(r, ByteBuffer.allocate(1), 1);
                give(c);
                return Long.parseLong(m.group(3));
            }
            if (r.status() == 416) {
                give(c);
                return 0; // empty image
            }
            if (r.status() == 200) {
                throw new IOException(describe() + ": server ignores Range requests (answered 200 to a range of 1 byte)");
            }
            throw new IOException(describe() + ": HTTP " + r.status() + " for the first byte");
        } catch (IOException | RuntimeException e) {
            pool.discard(c);
            throw ours(e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        if (n == 0) {
            return 0;
        }
        HttpRangeConnection c = pool.take();
        try {
            HttpRangeConnection.Reply r = c.get(pathAndQuery, "bytes=" + offset + "-" + (offset + n - 1), headers);
            if (r.status() != 206) {
                throw new IOException(describe() + ": HTTP " + r.status() + " for range " + offset + "+" + n);
            }
            c.readBody(r, dst, n);
        } catch (IOException | RuntimeException e) {
            pool.discard(c);
            throw ours(e);
        }
        give(c);
        return n;
    }

    /** Our own errors pass as they are; anything from below gets the redacted URL in front. */
    private IOException ours(Exception e) {
        if (e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith(describe())) {
            return io;
        }
        return wrap(e);
    }

    private IOException wrap(Exception e) {
        if (Thread.currentThread().isInterrupted()) {
            return new InterruptedIOException(describe() + ": interrupted");
        }
        // Messages from the socket layer may echo the host but never the query or headers.
        return new IOException(describe() + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    /** Back to the pool, or closed when the server ends the connection (Connection: close, unread body). */
    private void give(HttpRangeConnection c) {
        if (c.reusable()) {
            pool.give(c);
        } else {
            pool.discard(c);
        }
    }

    @Override
    public String describe() {
        return HttpUrls.redact(url);
    }

    @Override
    public void close() {
        pool.close();
    }
}
