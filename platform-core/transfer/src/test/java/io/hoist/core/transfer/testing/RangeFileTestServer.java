package io.hoist.core.transfer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Test double: a JDK HttpServer serving one file with {@code Range} support (or, if asked, ignoring Range like a
 * naive server), optionally over TLS, optionally demanding a bearer token.
 */
public final class RangeFileTestServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
    private final HttpServer server;
    private final Path file;
    private final boolean honourRange;
    private final String requiredAuth;
    private final AtomicInteger rangeRequests = new AtomicInteger();

    private RangeFileTestServer(HttpServer server, Path file, boolean honourRange, String requiredAuth) {
        this.server = server;
        this.file = file;
        this.honourRange = honourRange;
        this.requiredAuth = requiredAuth;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public static RangeFileTestServer http(Path file, boolean honourRange, String requiredAuth) throws IOException {
        return new RangeFileTestServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0),
                file, honourRange, requiredAuth);
    }

    public static RangeFileTestServer https(Path file, SSLContext tls) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new RangeFileTestServer(s, file, true, null);
    }

    public URI uri(String host) {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + server.getAddress().getPort() + "/disk.img");
    }

    public int rangeRequests() {
        return rangeRequests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (requiredAuth != null && !requiredAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(401, -1);
                return;
            }
            long size = Files.size(file);
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            long from = 0;
            long to = size - 1;
            int status = 200;
            if (honourRange && m != null && m.matches()) {
                from = Long.parseLong(m.group(1));
                to = Math.min(Long.parseLong(m.group(2)), size - 1);
                status = 206;
                rangeRequests.incrementAndGet();
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
            }
            long len = to - from + 1;
            ex.sendResponseHeaders(status, len);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r"); OutputStream out = ex.getResponseBody()) {
                f.seek(from);
                byte[] buf = new byte[64 * 1024];
                while (len > 0) {
                    int n = f.read(buf, 0, (int) Math.min(buf.length, len));
                    out.write(buf, 0, n);
                    len -= n;
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
