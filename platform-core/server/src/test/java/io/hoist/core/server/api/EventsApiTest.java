package io.hoist.core.server.api;

import static io.hoist.core.server.api.ResourceApiTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events are written by the platform (straight to the store) and served read-only in both API groups. */
class EventsApiTest {
    @TempDir
    static Path dir;
    static RunningServer api;

    @BeforeAll
    static void start() {
        api = RunningServer.start(dir, "demo", "other");
        ObjectNode e = RunningServer.JSON.createObjectNode();
        e.putObject("metadata").put("name", "plan-a.1").put("namespace", "demo");
        ObjectNode about = e.putObject("involvedObject");
        about.put("kind", "Plan").put("name", "plan-a").put("namespace", "demo");
        e.put("reason", "Started").put("message", "migration started").put("type", "Normal").put("count", 2);
        e.putObject("source").put("component", "hoist-engine");
        api.server.store().create(ResourceKind.EVENT, e);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void coreEventsListGetAndClusterWideList() {
        JsonNode list = api.get("/api/v1/namespaces/demo/events").json();
        assertThat(list.get("kind").asText()).isEqualTo("EventList");
        assertThat(list.at("/items/0/message").asText()).isEqualTo("migration started");
        assertThat(api.get("/api/v1/namespaces/demo/events/plan-a.1").json().at("/involvedObject/name").asText())
                .isEqualTo("plan-a");
        assertThat(api.get("/api/v1/events").json().at("/items/0/metadata/name").asText()).isEqualTo("plan-a.1");
        assertThat(api.get("/api/v1/namespaces/other/events").json().get("items")).isEmpty();
    }

    @Test
    void eventsK8sIoViewRenamesFields() {
        JsonNode list = api.get("/apis/events.k8s.io/v1/namespaces/demo/events").json();
        assertThat(list.get("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        JsonNode e = list.at("/items/0");
        assertThat(e.get("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(e.get("note").asText()).isEqualTo("migration started");
        assertThat(e.at("/regarding/name").asText()).isEqualTo("plan-a");
        assertThat(e.get("reportingController").asText()).isEqualTo("hoist-engine");
        assertThat(e.get("deprecatedCount").asInt()).isEqualTo(2);
        assertThat(api.get("/apis/events.k8s.io/v1/events").json().at("/items/0/note").asText())
                .isEqualTo("migration started");
    }

    @Test
    void writesAreRefusedWith405InBothGroups() {
        String body = "{\"metadata\":{\"name\":\"forged\"},\"message\":\"x\"}";
        assertStatus(api.post("/api/v1/namespaces/demo/events", body), 405, "MethodNotAllowed");
        assertStatus(api.delete("/api/v1/namespaces/demo/events/plan-a.1"), 405, "MethodNotAllowed");
        assertStatus(api.patch("/api/v1/namespaces/demo/events/plan-a.1", "{\"message\":\"y\"}"), 405, "MethodNotAllowed");
        assertStatus(api.post("/apis/events.k8s.io/v1/namespaces/demo/events", body), 405, "MethodNotAllowed");
        assertStatus(api.delete("/apis/events.k8s.io/v1/namespaces/demo/events/plan-a.1"), 405, "MethodNotAllowed");
        assertThat(api.get("/api/v1/namespaces/demo/events/plan-a.1").json().get("message").asText())
                .isEqualTo("migration started");
    }

    @Test
    void discoveryListsEventsReadOnly() {
        JsonNode core = api.get("/api/v1").json();
        JsonNode events = null;
        for (JsonNode r : core.get("resources")) {
            if (r.get("name").asText().equals("events")) {
                events = r;
            }
        }
        assertThat(events).as(core.toString()).isNotNull();
        assertThat(events.get("verbs").toString()).isEqualTo("[\"get\",\"list\",\"watch\"]");
        assertThat(api.get("/apis").json().toString()).contains("events.k8s.io");
        assertThat(api.get("/apis/events.k8s.io/v1").json().at("/resources/0/name").asText()).isEqualTo("events");
    }
}
