package io.hoist.core.transfer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test double: an upload endpoint shaped like CDI's upload proxy, storing each POSTed body into a file. */
public final class UploadTargetTestServer implements AutoCloseable {
    private final HttpServer server;
    private final Path into;
    private final String requiredAuth;
    private volatile String method;

    public UploadTargetTestServer(Path into, String requiredAuth) throws IOException {
        this.into = into;
        this.requiredAuth = requiredAuth;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1beta1/upload", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1beta1/upload");
    }

    public String method() {
        return method;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            method = ex.getRequestMethod();
            if (requiredAuth != null && !requiredAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                // Read the body first: answering and closing while the client still sends resets the
                // connection, and the client would see a reset instead of the status (a race, seen in CI).
                try (InputStream in = ex.getRequestBody()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                ex.sendResponseHeaders(401, -1);
                return;
            }
            try (InputStream in = ex.getRequestBody(); OutputStream out = Files.newOutputStream(into)) {
                in.transferTo(out);
            }
            ex.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
