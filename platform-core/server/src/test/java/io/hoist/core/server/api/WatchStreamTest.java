package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.AdmissionTestDouble;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?watch=true}: newline-delimited events, replay from a resourceVersion, 410 when too old. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchStreamTest {
    static final String PLANS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans";

    @TempDir
    Path dir;

    static List<JsonNode> readEvents(InputStream body, int count) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        while (events.size() < count) {
            String line = reader.readLine();
            if (line == null) {
                break;
            }
            events.add(RunningServer.JSON.readTree(line));
        }
        return events;
    }

    static List<String> describe(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText() + " " + e.at("/object/metadata/name").asText()).toList();
    }

    @Test
    void streamsCurrentObjectsThenLiveChangesForTheNamespace() throws Exception {
        try (RunningServer api = RunningServer.start(dir)) {
            api.post(PLANS, ResourceApiTest.plan("before", "x"));
            HttpResponse<InputStream> stream = api.http.send(api.request(PLANS + "?watch=true&timeoutSeconds=20").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            api.post(PLANS, ResourceApiTest.plan("live", "x"));
            api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/elsewhere/plans", ResourceApiTest.plan("not-mine", "x"));
            api.patch(PLANS + "/live", "{\"spec\":{\"description\":\"y\"}}");
            api.delete(PLANS + "/before");
            List<JsonNode> events = readEvents(stream.body(), 4);
            stream.body().close();
            assertThat(describe(events)).containsExactly("ADDED before", "ADDED live", "MODIFIED live", "DELETED before");
            assertThat(events.get(2).at("/object/spec/description").asText()).isEqualTo("y");
            assertThat(events.get(3).at("/object/metadata/resourceVersion").asLong())
                    .isGreaterThan(events.get(2).at("/object/metadata/resourceVersion").asLong());
        }
    }

    @Test
    void replaysFromAResourceVersionAcrossNamespaces() throws Exception {
        try (RunningServer api = RunningServer.start(dir)) {
            api.post(PLANS, ResourceApiTest.plan("a", "x"));
            String rv = api.get(PLANS).json().at("/metadata/resourceVersion").asText();
            api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/other/plans", ResourceApiTest.plan("b", "x"));
            api.delete(PLANS + "/a");
            HttpResponse<InputStream> stream = api.http.send(
                    api.request("/apis/forklift.konveyor.io/v1beta1/plans?watch=1&timeoutSeconds=2&resourceVersion=" + rv).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<JsonNode> events = readEvents(stream.body(), 10); // the stream ends at the timeout
            assertThat(describe(events)).containsExactly("ADDED b", "DELETED a");
        }
    }

    @Test
    void tooOldResourceVersionGets410ExpiredEvent() throws Exception {
        SqliteResourceStore store = SqliteResourceStore.open(dir.resolve("small"), 5);
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble()).store(store), dir)) {
            for (int i = 0; i < 30; i++) {
                api.server.store().create(io.hoist.core.model.ResourceKind.PLAN,
                        (com.fasterxml.jackson.databind.node.ObjectNode) RunningServer.JSON.readTree(
                                "{\"metadata\":{\"namespace\":\"demo\",\"name\":\"p" + i + "\"}}"));
            }
            HttpResponse<InputStream> stream = api.http.send(api.request(PLANS + "?watch=true&resourceVersion=3").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<JsonNode> events = readEvents(stream.body(), 5);
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("type").asText()).isEqualTo("ERROR");
            assertThat(events.get(0).at("/object/code").asInt()).isEqualTo(410);
            assertThat(events.get(0).at("/object/reason").asText()).isEqualTo("Expired");
            assertThat(api.get(PLANS + "?watch=true&resourceVersion=abc").status()).isEqualTo(400);
        } finally {
            store.close();
        }
    }
}
