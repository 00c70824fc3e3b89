package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret values go in and never come out: not in responses, watch events, errors or log lines. */
class SecretsWriteOnlyTest {
    static final String SECRETS = "/api/v1/namespaces/demo/secrets";
    static final String PASSWORD = "hunter2-very-secret";
    static final String PASSWORD_B64 = Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));
    static final String TOKEN_VALUE = "ovirt-token-value-xyz";

    @TempDir
    Path dir;

    @Test
    void secretValuesNeverLeaveTheServer() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        List<String> everythingSeen = new ArrayList<>();
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            CompletableFuture<HttpResponse<Stream<String>>> watch = api.http.sendAsync(
                    api.request(SECRETS + "?watch=true&timeoutSeconds=3").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());

            Reply created = api.post(SECRETS, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"vc\","
                    + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + PASSWORD + "\"}},"
                    + "\"type\":\"Opaque\",\"data\":{\"password\":\"" + PASSWORD_B64 + "\"},"
                    + "\"stringData\":{\"token\":\"" + TOKEN_VALUE + "\"}}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            everythingSeen.add(created.body());
            // Keys are visible, values are blanked, stringData is gone.
            assertThat(created.json().get("data")).hasToString("{\"password\":\"\",\"token\":\"\"}");
            assertThat(created.json().has("stringData")).isFalse();

            // The stored object really holds the values (base64), so they are usable by the platform.
            ObjectNode stored = api.server.store().get(ResourceKind.SECRET, "demo", "vc").orElseThrow();
            assertThat(stored.at("/data/password").asText()).isEqualTo(PASSWORD_B64);
            assertThat(new String(Base64.getDecoder().decode(stored.at("/data/token").asText()), StandardCharsets.UTF_8))
                    .isEqualTo(TOKEN_VALUE);

            Reply got = api.get(SECRETS + "/vc");
            everythingSeen.add(got.body());
            everythingSeen.add(api.get(SECRETS).body());

            // Read-modify-write with the blanked values keeps the stored ones.
            ObjectNode edit = got.json().deepCopy();
            ((ObjectNode) edit.get("metadata")).putObject("labels").put("team", "infra");
            Reply replaced = api.put(SECRETS + "/vc", edit.toString());
            assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
            everythingSeen.add(replaced.body());
            assertThat(api.server.store().get(ResourceKind.SECRET, "demo", "vc").orElseThrow().at("/data/password").asText())
                    .isEqualTo(PASSWORD_B64);

            // Patching a value and removing a key.
            Reply patched = api.patch(SECRETS + "/vc", "{\"stringData\":{\"password\":\"new-" + PASSWORD + "\"},\"data\":{\"token\":null}}");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            everythingSeen.add(patched.body());
            ObjectNode after = api.server.store().get(ResourceKind.SECRET, "demo", "vc").orElseThrow();
            assertThat(after.get("data").has("token")).isFalse();
            assertThat(new String(Base64.getDecoder().decode(after.at("/data/password").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("new-" + PASSWORD);

            // Errors about secret values do not quote them.
            Reply badBase64 = api.post(SECRETS, "{\"metadata\":{\"name\":\"bad\"},\"data\":{\"password\":\"" + PASSWORD + "!\"}}");
            assertThat(badBase64.status()).isEqualTo(422);
            assertThat(badBase64.json().at("/details/causes/0/field").asText()).isEqualTo("data[password]");
            everythingSeen.add(badBase64.body());
            Reply badJson = api.post(SECRETS, "{\"metadata\":{\"name\":\"bad\"},\"data\":{\"password\":" + PASSWORD + "}}");
            assertThat(badJson.status()).isEqualTo(400);
            everythingSeen.add(badJson.body());
            Reply badYaml = api.send(api.request(SECRETS).header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString("metadata:\n  name: y\nstringData:\n  password: " + PASSWORD + "\n  - x\n")).build());
            assertThat(badYaml.status()).isEqualTo(400);
            everythingSeen.add(badYaml.body());

            Reply deleted = api.delete(SECRETS + "/vc");
            assertThat(deleted.status()).isEqualTo(200);
            everythingSeen.add(deleted.body());

            List<String> events = watch.get().body().toList();
            assertThat(events).extracting(e -> RunningServer.JSON.readTree(e).get("type").asText())
                    .containsExactly("ADDED", "MODIFIED", "MODIFIED", "DELETED");
            for (String e : events) {
                JsonNode data = RunningServer.JSON.readTree(e).at("/object/data");
                data.fields().forEachRemaining(f -> assertThat(f.getValue().asText()).isEmpty());
            }
            everythingSeen.addAll(events);
        } finally {
            System.setErr(originalErr);
        }
        everythingSeen.add(logs.toString(StandardCharsets.UTF_8));
        for (String s : everythingSeen) {
            assertThat(s).doesNotContain(PASSWORD).doesNotContain(PASSWORD_B64).doesNotContain(TOKEN_VALUE)
                    .doesNotContain("new-" + PASSWORD);
        }
        // The log capture did see the server working, so it was not silently empty.
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("hoist API listening");
    }
}
