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
        try (RunningServer api = RunningServer.start(dir, "demo", "elsewhere", "other")) {
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
        try (RunningServer api = RunningServer.start(dir, "demo", "elsewhere", "other")) {
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
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble()).namespaces("demo", "elsewhere", "other").store(store), dir)) {
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

    @Test
    void aWatcherThatStopsReadingIsDisconnectedAndTheServerCarriesOn() throws Exception {
        try (RunningServer api = RunningServer.start(dir, "demo", "elsewhere", "other")) {
            // A raw socket that sends the watch request and then does not read while 30 MB of events pile up.
            java.net.URI base = java.net.URI.create(api.server.url());
            try (java.net.Socket stalled = new java.net.Socket()) {
                stalled.setReceiveBufferSize(4096);
                stalled.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
                stalled.getOutputStream().write(("GET " + PLANS + "?watch=true HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + api.token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                stalled.getOutputStream().flush();
                String big = "x".repeat(200_000);
                int writes = 150;
                for (int i = 0; i < writes; i++) {
                    assertThat(api.post(PLANS, "{\"metadata\":{\"name\":\"big-" + i + "\"},\"spec\":{\"description\":\""
                            + big + "\"}}").status()).isEqualTo(201);
                }
                // Now read: the server must have dropped us part-way instead of buffering everything.
                int events = countEventsUntilClosed(stalled);
                assertThat(events).isGreaterThanOrEqualTo(0).isLessThan(writes);
            }
            assertThat(api.get(PLANS + "/big-0").status()).isEqualTo(200);
            assertThat(api.post(PLANS, ResourceApiTest.plan("after", "x")).status()).isEqualTo(201);
        }
    }

    /** Reads until the server closes or resets the connection; -1 if it is still open after 10 s idle. */
    private static int countEventsUntilClosed(java.net.Socket s) throws java.io.IOException {
        s.setSoTimeout(10_000);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return -1;
        } catch (java.io.IOException reset) {
            // Connection reset: what the server does to a reader that cannot keep up.
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int count = 0;
        for (int i = text.indexOf("{\"type\":"); i >= 0; i = text.indexOf("{\"type\":", i + 1)) {
            count++;
        }
        return count;
    }
}
