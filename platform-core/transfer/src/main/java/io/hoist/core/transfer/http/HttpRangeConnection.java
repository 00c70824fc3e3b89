package io.hoist.core.transfer.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection that issues {@code GET} with {@code Range} and reads the body straight into
 * the caller's buffer. Why not the JDK's HttpClient for this: it reads every connection on one selector thread and
 * hands the body over in many small heap buffers, which cost several CPU seconds per GiB here; a copy is bound by
 * CPU. Plain connections read from a {@link SocketChannel} directly into the (direct) destination buffer, with a
 * per-connection selector for the read timeout; TLS connections read through an {@link SSLSocket} built from the
 * provider's own {@link SSLContext}, so CA, thumbprint and insecureSkipVerify apply exactly as for its other clients.
 *
 * <p>Not thread-safe: one caller at a time (the reader keeps a pool). Any I/O error or protocol surprise leaves
 * the connection unusable; {@link #reusable()} says whether it can go back to the pool.
 */
final class HttpRangeConnection implements AutoCloseable {
    private static final int HEADER_LIMIT = 64 * 1024;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    /** The status, headers (lower-case names) and, for error statuses, the start of the body. */
    record Reply(int status, Map<String, String> headers, String errorBody) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final String host;
    private final String hostHeader;
    private final Duration timeout;
    private final Transport transport;
    /** Bytes read past the header block, served before the socket is read again. */
    private final ByteBuffer pending = ByteBuffer.allocate(HEADER_LIMIT);
    private boolean reusable = true;

    private HttpRangeConnection(URI url, Duration timeout, Transport transport) {
        this.host = url.getHost();
        int port = url.getPort();
        this.hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (port < 0 ? "" : ":" + port);
        this.timeout = timeout;
        this.transport = transport;
        pending.flip();
    }

    static HttpRangeConnection open(URI url, SSLContext tls, boolean verifyHostname, Duration connectTimeout,
                                    Duration timeout) throws IOException {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        InetSocketAddress address = new InetSocketAddress(url.getHost(), port);
        if (!https) {
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(address, (int) connectTimeout.toMillis());
                ch.socket().setTcpNoDelay(true);
                return new HttpRangeConnection(url, timeout, new PlainTransport(ch, timeout));
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        Socket raw = new Socket();
        try {
            raw.connect(address, (int) connectTimeout.toMillis());
            raw.setTcpNoDelay(true);
            raw.setSoTimeout((int) timeout.toMillis());
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, url.getHost(), port, true);
            SSLParameters p = s.getSSLParameters();
            if (verifyHostname) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return new HttpRangeConnection(url, timeout, new TlsTransport(s));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    boolean reusable() {
        return reusable;
    }

    /**
     * Sends {@code GET path} with the given range and headers and reads the reply's header block. For a 206 the
     * body is left for {@link #readBody}; for any other status the body is read (up to a limit) into the reply.
     */
    Reply get(String pathAndQuery, String range, Map<String, String> headers) throws IOException {
        StringBuilder req = new StringBuilder(256)
                .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Range: ").append(range).append("\r\n")
                .append("Accept-Encoding: identity\r\n");
        headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        reusable = false; // until the whole reply has been read
        transport.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        Reply reply = readHeaders();
        if (reply.status() != 206) {
            return new Reply(reply.status(), reply.headers(), drainErrorBody(reply));
        }
        return reply;
    }

    /** Reads a 206 body of exactly {@code length} bytes into {@code dst}. */
    void readBody(Reply reply, ByteBuffer dst, int length) throws IOException {
        if (reply.header("transfer-encoding") != null) {
            throw new IOException("chunked range replies are not supported (Transfer-Encoding: "
                    + reply.header("transfer-encoding") + ")");
        }
        String cl = reply.header("content-length");
        if (cl == null || parseLength(cl) != length) {
            throw new IOException("range reply of " + (cl == null ? "unknown length" : cl + " bytes")
                    + " where " + length + " were asked for");
        }
        int end = dst.position() + length;
        int limit = dst.limit();
        dst.limit(end);
        try {
            if (pending.hasRemaining()) {
                int n = Math.min(pending.remaining(), dst.remaining());
                dst.put(dst.position(), pending, pending.position(), n);
                dst.position(dst.position() + n);
                pending.position(pending.position() + n);
            }
            while (dst.hasRemaining()) {
                if (transport.read(dst) < 0) {
                    throw new EOFException("connection closed after " + (length - dst.remaining()) + " of "
                            + length + " body bytes");
                }
            }
        } finally {
            dst.limit(limit);
        }
        reusable = !"close".equalsIgnoreCase(reply.header("connection"));
    }

    private Reply readHeaders() throws IOException {
        pending.compact();
        int scanFrom = 0;
        while (true) {
            int end = headerEnd(pending, scanFrom);
            if (end >= 0) {
                byte[] head = new byte[end];
                pending.flip();
                pending.get(head);
                pending.position(pending.position() + 4); // the blank line
                return parseHeaders(new String(head, StandardCharsets.ISO_8859_1));
            }
            scanFrom = Math.max(0, pending.position() - 3);
            if (!pending.hasRemaining()) {
                throw new IOException("reply headers larger than " + HEADER_LIMIT + " bytes");
            }
            if (transport.read(pending) < 0) {
                throw new EOFException("connection closed before the reply headers ended");
            }
        }
    }

    /** Position of "\r\n\r\n" in {@code buf[0, position)}, or -1. */
    private static int headerEnd(ByteBuffer buf, int from) {
        for (int i = from; i + 3 < buf.position(); i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Reply parseHeaders(String head) throws IOException {
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x reply: " + lines[0].substring(0, Math.min(40, lines[0].length())));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + lines[0].substring(0, Math.min(40, lines[0].length())));
        }
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Reply(code, headers, null);
    }

    /** Reads an error reply's body when it is small and delimited, so the connection stays usable; else drops it. */
    private String drainErrorBody(Reply reply) throws IOException {
        String cl = reply.header("content-length");
        if (cl == null || reply.header("transfer-encoding") != null) {
            return ""; // unknown length: the connection is not reused
        }
        long length = parseLength(cl);
        if (length > ERROR_BODY_LIMIT) {
            return "";
        }
        ByteBuffer body = ByteBuffer.allocate((int) length);
        int n = (int) Math.min(pending.remaining(), length);
        body.put(body.position(), pending, pending.position(), n);
        body.position(n);
        pending.position(pending.position() + n);
        while (body.hasRemaining()) {
            if (transport.read(body) < 0) {
                return "";
            }
        }
        reusable = !"close".equalsIgnoreCase(reply.header("connection"));
        return new String(body.array(), 0, body.position(), StandardCharsets.UTF_8);
    }

    private static long parseLength(String v) throws IOException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + v);
        }
    }

    @Override
    public void close() {
        reusable = false;
        transport.close();
    }

    // ---- transports ----

    private interface Transport {
        /** Reads at least one byte into {@code dst} (which has room), or returns -1 at end of stream. */
        int read(ByteBuffer dst) throws IOException;

        void write(byte[] bytes) throws IOException;

        void close();
    }

    /** Plain TCP: non-blocking channel reads straight into the destination, waiting on a selector with a timeout. */
    private static final class PlainTransport implements Transport {
        private final SocketChannel channel;
        private final Selector selector;
        private final long timeoutMs;

        PlainTransport(SocketChannel channel, Duration timeout) throws IOException {
            this.channel = channel;
            this.timeoutMs = Math.max(1, timeout.toMillis());
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            while (true) {
                int n = channel.read(dst);
                if (n != 0) {
                    return n;
                }
                if (selector.select(timeoutMs) == 0) {
                    throw new SocketTimeoutException("no data for " + timeoutMs + " ms");
                }
                selector.selectedKeys().clear();
            }
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            SelectionKey key = channel.keyFor(selector);
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    try {
                        if (selector.select(timeoutMs) == 0) {
                            throw new SocketTimeoutException("could not send the request for " + timeoutMs + " ms");
                        }
                        selector.selectedKeys().clear();
                    } finally {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
            }
        }

        @Override
        public void close() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** TLS: the socket's streams (SO_TIMEOUT set), bounced through one reusable array. */
    private static final class TlsTransport implements Transport {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] bounce = new byte[64 * 1024];

        TlsTransport(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int n = in.read(bounce, 0, Math.min(bounce.length, dst.remaining()));
            if (n > 0) {
                dst.put(bounce, 0, n);
            }
            return n;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
