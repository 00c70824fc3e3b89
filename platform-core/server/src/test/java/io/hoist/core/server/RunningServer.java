package io.hoist.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real HoistServer on a free loopback port in a temp data dir, and a JDK HttpClient pointed at it. */
public final class RunningServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    public final HoistServer server;
    public final String token;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RunningServer(HoistServer.Builder builder, Path dataDir) {
        this.server = builder.dataDir(dataDir).port(0).build().start();
        try {
            this.token = Files.readString(dataDir.resolve("token")).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server with {@link AdmissionTestDouble}; {@code namespaces} exist from its start (objects are written only
     * into namespaces that exist, as on a cluster): the one way tests get theirs.
     */
    public static RunningServer start(Path dataDir, String... namespaces) {
        return new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble()).namespaces(namespaces), dataDir);
    }

    public record Reply(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + body, e);
            }
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Reply get(String path) {
        return send(request(path).GET().build());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    public Reply post(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Reply patch(String path, String body) {
        return send(request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Override
    public void close() {
        server.stop();
    }
}
