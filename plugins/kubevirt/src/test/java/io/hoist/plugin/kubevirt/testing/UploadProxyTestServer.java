package io.hoist.plugin.kubevirt.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of CDI's upload proxy over a real socket: accepts {@code POST /v1beta1/upload} with a
 * bearer token it issued for one {@code namespace/pvc} and stores the body it receives.
 */
public final class UploadProxyTestServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, byte[]> received = new ConcurrentHashMap<>();
    private final Map<String, String> authorizationSeen = new ConcurrentHashMap<>();

    public UploadProxyTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1beta1/upload", this::upload);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** What CDI's UploadTokenRequest does: a token valid for one target. */
    public String issueToken(String namespace, String pvc) {
        String token = "upload-" + UUID.randomUUID();
        tokens.put(token, namespace + "/" + pvc);
        return token;
    }

    public Map<String, byte[]> received() {
        return received;
    }

    private void upload(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String target = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
            if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
                byte[] body = "unauthorized".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            authorizationSeen.put(target, auth);
            long expected = Long.parseLong(exchange.getRequestHeaders().getFirst("Content-Length"));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (body.length != expected) {
                return; // a broken stream stores nothing, as CDI discards a failed upload
            }
            received.put(target, body);
            exchange.sendResponseHeaders(200, -1);
            try (OutputStream ignored = exchange.getResponseBody()) {
                // empty body
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
