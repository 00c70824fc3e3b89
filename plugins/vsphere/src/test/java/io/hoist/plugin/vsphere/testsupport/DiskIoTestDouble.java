package io.hoist.plugin.vsphere.testsupport;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Minimal stand-in for the transfer engine's DiskIo (branch h/transfer) until it lands: an HTTP
 * Range reader and a bare NBD client (fixed newstyle, NBD_OPT_GO, NBD_CMD_READ). It counts the bytes
 * it reads so tests can check that only changed areas were read. Writers are not needed here.
 */
public final class DiskIoTestDouble implements DiskIo {
    private final HttpClientsTestDouble http = new HttpClientsTestDouble();
    public final AtomicLong bytesRead = new AtomicLong();
    public volatile Map<String, String> lastHttpHeaders;
    public volatile URI lastHttpUrl;

    @Override
    public DiskReader openFile(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        return new DiskReader() {
            @Override public long size() throws IOException { return ch.size(); }
            @Override public int read(long offset, ByteBuffer dst) throws IOException {
                int n = 0;
                while (dst.hasRemaining()) {
                    int r = ch.read(dst, offset + n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                bytesRead.addAndGet(n);
                return n;
            }
            @Override public String describe() { return "file " + path; }
            @Override public void close() throws IOException { ch.close(); }
        };
    }

    @Override
    public DiskReader openHttp(URI url, TlsSettings tls, Map<String, String> headers) throws IOException {
        lastHttpUrl = url;
        lastHttpHeaders = headers;
        HttpClient client = http.client(tls, Duration.ofSeconds(10));
        long size = send(client, url, headers, "bytes=0-0", null).headers().firstValue("Content-Range")
                .map(v -> Long.parseLong(v.substring(v.indexOf('/') + 1))).orElseThrow(() -> new IOException("no size"));
        return new DiskReader() {
            @Override public long size() { return size; }
            @Override public int read(long offset, ByteBuffer dst) throws IOException {
                if (offset >= size || !dst.hasRemaining()) {
                    return 0;
                }
                long end = Math.min(size, offset + dst.remaining()) - 1;
                byte[] body = send(client, url, headers, "bytes=" + offset + "-" + end, null).body();
                dst.put(body);
                bytesRead.addAndGet(body.length);
                return body.length;
            }
            @Override public String describe() { return "http " + url.getHost() + url.getPath(); }
            @Override public void close() { }
        };
    }

    private static HttpResponse<byte[]> send(HttpClient c, URI url, Map<String, String> headers, String range, Void v)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Range", range).GET();
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 206) {
                throw new IOException("HTTP " + r.statusCode() + " for " + url.getPath());
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public DiskReader openNbd(URI uri) throws IOException {
        String q = uri.getQuery();
        if (!"nbd+unix".equals(uri.getScheme()) || q == null || !q.startsWith("socket=")) {
            throw new IOException("test double reads nbd+unix:///?socket=PATH only: " + uri);
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(q.substring("socket=".length())));
        long size = handshake(ch);
        return new DiskReader() {
            private long handle;

            @Override public long size() { return size; }

            @Override public synchronized int read(long offset, ByteBuffer dst) throws IOException {
                int len = (int) Math.min(dst.remaining(), size - offset);
                if (len <= 0) {
                    return 0;
                }
                ByteBuffer req = ByteBuffer.allocate(28);
                req.putInt(0x25609513).putShort((short) 0).putShort((short) 0).putLong(++handle).putLong(offset).putInt(len).flip();
                writeAll(ch, req);
                ByteBuffer hdr = readN(ch, 16);
                if (hdr.getInt() != 0x67446698) {
                    throw new IOException("bad NBD reply magic");
                }
                int err = hdr.getInt();
                if (err != 0) {
                    throw new IOException("NBD read error " + err);
                }
                ByteBuffer data = readN(ch, len);
                dst.put(data);
                bytesRead.addAndGet(len);
                return len;
            }

            @Override public String describe() { return "nbd " + uri; }

            @Override public void close() throws IOException {
                ByteBuffer req = ByteBuffer.allocate(28);
                req.putInt(0x25609513).putShort((short) 0).putShort((short) 2).putLong(0).putLong(0).putInt(0).flip();
                try {
                    writeAll(ch, req);
                } finally {
                    ch.close();
                }
            }
        };
    }

    private static long handshake(SocketChannel ch) throws IOException {
        ByteBuffer hello = readN(ch, 18);
        if (hello.getLong() != 0x4e42444d41474943L || hello.getLong() != 0x49484156454F5054L) {
            throw new IOException("not an NBD newstyle server");
        }
        short serverFlags = hello.getShort();
        int clientFlags = 1 | (serverFlags & 2);
        writeAll(ch, ByteBuffer.allocate(4).putInt(clientFlags).flip());
        byte[] name = "".getBytes(StandardCharsets.UTF_8);
        ByteBuffer opt = ByteBuffer.allocate(16 + 4 + name.length + 2);
        opt.putLong(0x49484156454F5054L).putInt(7).putInt(4 + name.length + 2).putInt(name.length).put(name)
                .putShort((short) 0).flip();
        writeAll(ch, opt);
        long size = -1;
        while (true) {
            ByteBuffer rep = readN(ch, 20);
            rep.getLong();
            rep.getInt();
            int type = rep.getInt();
            int len = rep.getInt();
            ByteBuffer data = readN(ch, len);
            if (type == 1) {
                break;
            }
            if (type < 0) {
                throw new IOException("NBD_OPT_GO refused: " + Integer.toHexString(type));
            }
            if (type == 3 && len >= 12 && data.getShort() == 0) {
                size = data.getLong();
            }
        }
        if (size < 0) {
            throw new IOException("NBD server sent no export size");
        }
        return size;
    }

    private static ByteBuffer readN(SocketChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("NBD connection closed");
            }
        }
        return b.flip();
    }

    private static void writeAll(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public DiskWriter createFile(Path path, long size) {
        throw new UnsupportedOperationException("DiskIoTestDouble reads only");
    }

    @Override
    public DiskWriter openHttpUpload(URI url, TlsSettings tls, Map<String, String> headers, long size) {
        throw new UnsupportedOperationException("DiskIoTestDouble reads only");
    }
}
