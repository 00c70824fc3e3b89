package io.hoist.core.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.RunningServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Levels per package at run time over the API, with errors naming the field. */
class LoggerRoutesTest {
    @TempDir
    Path dir;

    @AfterEach
    void backToDefaults() {
        Logging.reset();
    }

    private static HttpRequest put(RunningServer s, String logger, String body) {
        return s.request("/api/v1/loggers/" + logger).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void setListAndResetALevel() {
        try (RunningServer s = RunningServer.start(dir)) {
            var set = s.send(put(s, "io.hoist.core.engine", "{\"level\":\"debug\"}"));
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().path("effectiveLevel").asText()).isEqualTo("DEBUG");
            assertThat(Logging.effectiveLevel("io.hoist.core.engine.run.VmRun")).isEqualTo("DEBUG");
            var list = s.send(s.request("/api/v1/loggers").GET().build());
            assertThat(list.json().path("levels").path("io.hoist.core.engine").asText()).isEqualTo("DEBUG");
            var reset = s.send(put(s, "io.hoist.core.engine", "{\"level\":null}"));
            assertThat(reset.json().path("effectiveLevel").asText()).isEqualTo(Logging.effectiveLevel("root"));
        }
    }

    @Test
    void badLevelOrNameIs400NamingIt() {
        try (RunningServer s = RunningServer.start(dir)) {
            var loud = s.send(put(s, "io.hoist", "{\"level\":\"loud\"}"));
            assertThat(loud.status()).isEqualTo(400);
            assertThat(loud.json().path("message").asText()).contains("level").contains("loud");
            var missing = s.send(put(s, "io.hoist", "{}"));
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().path("message").asText()).startsWith("level: required");
            var name = s.send(put(s, "io..hoist", "{\"level\":\"info\"}"));
            assertThat(name.status()).isEqualTo(400);
            assertThat(name.json().path("kind").asText()).isEqualTo("Status");
            var anonymous = s.send(HttpRequest.newBuilder(java.net.URI.create(s.server.url() + "/api/v1/loggers")).GET().build());
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }
}
