package io.hoist.core.server.api;

import static io.hoist.core.server.api.ResourceApiTest.PLANS;
import static io.hoist.core.server.api.ResourceApiTest.assertStatus;
import static io.hoist.core.server.api.ResourceApiTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JSON patch (RFC 6902) on every kind and the status subresource; server-side apply refused with a 415 that says why. */
class PatchTypesTest {
    @TempDir
    static Path dir;
    static RunningServer api;

    @BeforeAll
    static void start() {
        api = RunningServer.start(dir, "demo");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static Reply patch(String path, String contentType, String body) {
        return api.send(api.request(path).header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static Reply jsonPatch(String path, String body) {
        return patch(path, "application/json-patch+json", body);
    }

    @Test
    void jsonPatchOperationsOnAPlan() {
        assertThat(api.post(PLANS, plan("jp", "before")).status()).isEqualTo(201);
        Reply r = jsonPatch(PLANS + "/jp", """
                [{"op":"test","path":"/spec/description","value":"before"},
                 {"op":"replace","path":"/spec/description","value":"after"},
                 {"op":"add","path":"/metadata/labels","value":{"wave":"1"}},
                 {"op":"add","path":"/spec/vms","value":[{"name":"a"}]},
                 {"op":"add","path":"/spec/vms/-","value":{"name":"b"}},
                 {"op":"copy","from":"/spec/description","path":"/metadata/labels/copy"},
                 {"op":"move","from":"/metadata/labels/copy","path":"/metadata/labels/moved"},
                 {"op":"remove","path":"/metadata/labels/moved"}]""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode stored = api.get(PLANS + "/jp").json();
        assertThat(stored.at("/spec/description").asText()).isEqualTo("after");
        assertThat(stored.at("/metadata/labels").toString()).isEqualTo("{\"wave\":\"1\"}");
        assertThat(stored.at("/spec/vms/1/name").asText()).isEqualTo("b");
    }

    @Test
    void aFailingOperationAppliesNothing() {
        assertThat(api.post(PLANS, plan("jp2", "kept")).status()).isEqualTo(201);
        String rv = api.get(PLANS + "/jp2").json().at("/metadata/resourceVersion").asText();
        Reply failedTest = jsonPatch(PLANS + "/jp2", """
                [{"op":"replace","path":"/spec/description","value":"changed"},
                 {"op":"test","path":"/spec/description","value":"something else"}]""");
        assertStatus(failedTest, 422, "Invalid");
        assertThat(failedTest.json().get("message").asText()).contains("operation 1", "test failed");
        assertStatus(jsonPatch(PLANS + "/jp2", "[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]"), 422, "Invalid");
        assertStatus(jsonPatch(PLANS + "/jp2", "[{\"op\":\"frobnicate\",\"path\":\"/spec\"}]"), 422, "Invalid");
        assertStatus(jsonPatch(PLANS + "/jp2", "{\"op\":\"remove\"}"), 400, "BadRequest");
        JsonNode after = api.get(PLANS + "/jp2").json();
        assertThat(after.at("/spec/description").asText()).isEqualTo("kept");
        assertThat(after.at("/metadata/resourceVersion").asText()).isEqualTo(rv);
    }

    @Test
    void jsonPatchOnSecretsConfigMapsAndStatus() {
        assertThat(api.post("/api/v1/namespaces/demo/configmaps", "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"1\"}}")
                .status()).isEqualTo(201);
        Reply cm = jsonPatch("/api/v1/namespaces/demo/configmaps/cm", "[{\"op\":\"add\",\"path\":\"/data/b\",\"value\":\"2\"}]");
        assertThat(cm.status()).as(cm.body()).isEqualTo(200);
        assertThat(cm.json().at("/data").toString()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");

        assertThat(api.post("/api/v1/namespaces/demo/secrets", "{\"metadata\":{\"name\":\"s\"},\"stringData\":{\"k\":\"v\"}}")
                .status()).isEqualTo(201);
        Reply s = jsonPatch("/api/v1/namespaces/demo/secrets/s",
                "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"x\":\"y\"}}]");
        assertThat(s.status()).as(s.body()).isEqualTo(200);
        assertThat(api.server.store().get(io.hoist.core.model.ResourceKind.SECRET, "demo", "s").orElseThrow()
                .at("/data/k").asText()).isEqualTo("dg==");

        assertThat(api.post(PLANS, plan("st", "x")).status()).isEqualTo(201);
        Reply status = jsonPatch(PLANS + "/st/status",
                "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"observedGeneration\":1}}]");
        assertThat(status.status()).as(status.body()).isEqualTo(200);
        assertThat(api.get(PLANS + "/st").json().at("/status/observedGeneration").asInt()).isEqualTo(1);
    }

    @Test
    void serverSideApplyIsRefusedWithWhatToDoInstead() {
        assertThat(api.post(PLANS, plan("ssa", "x")).status()).isEqualTo(201);
        Reply r = patch(PLANS + "/ssa?fieldManager=kubectl", "application/apply-patch+yaml",
                "apiVersion: forklift.konveyor.io/v1beta1\nkind: Plan\nmetadata: {name: ssa}\nspec: {description: y}\n");
        assertStatus(r, 415, "UnsupportedMediaType");
        assertThat(r.json().get("message").asText()).contains("client-side apply");
        assertThat(api.get(PLANS + "/ssa").json().at("/spec/description").asText()).isEqualTo("x");
    }
}
