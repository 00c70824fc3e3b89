package io.hoist.core.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every logger at DEBUG, a provider whose Secret holds a password and whose endpoint refuses connections
 * (so the engine logs its failures) leaves neither the password nor the API token in any log file.
 */
class SecretsNeverLoggedTest {
    private static final String PASSWORD = "Pa55-never-in-logs-7f3a";

    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        Logging.reset();
    }

    @Test
    void passwordAndTokenAppearInNoLogLine() throws Exception {
        Logging.configureServer(dir, Logging.Format.JSON, ch.qos.logback.classic.Level.OFF,
                Map.of("", ch.qos.logback.classic.Level.DEBUG));
        String token;
        try (Platform platform = Platform.create(HoistServer.builder().port(0).namespaces("demo"), dir).start()) {
            token = Files.readString(dir.resolve("token")).trim();
            HttpClient http = HttpClient.newHttpClient();
            String base = platform.server().url();
            post(http, token, base + "/api/v1/namespaces/demo/secrets", """
                    {"apiVersion":"v1","kind":"Secret","metadata":{"name":"vc-secret","namespace":"demo"},
                     "stringData":{"user":"administrator@vsphere.local","password":"%s","insecureSkipVerify":"true"}}
                    """.formatted(PASSWORD));
            post(http, token, base + "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/providers", """
                    {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Provider","metadata":{"name":"vc","namespace":"demo"},
                     "spec":{"type":"vsphere","url":"https://127.0.0.1:1/sdk","secret":{"name":"vc-secret","namespace":"demo"}}}
                    """);
            // Let the provider controller try (and fail) to reach the endpoint, logging as it goes.
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < deadline && !Files.readString(dir.resolve(Logging.LOG_FILE)).contains("demo/vc")) {
                Thread.sleep(200);
            }
        }
        String all;
        try (Stream<Path> files = Files.walk(dir.resolve("logs"))) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                b.append(Files.readString(f));
            }
            all = b.toString();
        }
        assertThat(all).as("the debug log has content").contains("DEBUG").contains("hoist API listening");
        assertThat(all).doesNotContain(PASSWORD).doesNotContain(token);
    }

    private static void post(HttpClient http, String token, String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isBetween(200, 299);
    }
}
