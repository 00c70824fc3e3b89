package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resource API over a real socket against a real SQLite store. */
class ResourceApiTest {
    static final String PLANS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans";
    static final String PROVIDERS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/providers";

    @TempDir
    static Path dir;
    static RunningServer api;

    @BeforeAll
    static void start() {
        api = RunningServer.start(dir, "demo", "elsewhere", "other", "sel");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String plan(String name, String description) {
        return "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Plan\",\"metadata\":{\"name\":\"" + name
                + "\"},\"spec\":{\"description\":\"" + description + "\"}}";
    }

    static void assertStatus(Reply r, int code, String reason) {
        assertThat(r.status()).as(r.body()).isEqualTo(code);
        JsonNode s = r.json();
        assertThat(s.get("kind").asText()).isEqualTo("Status");
        assertThat(s.get("code").asInt()).isEqualTo(code);
        assertThat(s.get("reason").asText()).isEqualTo(reason);
        assertThat(s.get("status").asText()).isEqualTo("Failure");
    }

    @Test
    void createGetReplaceWithConcurrencyAndDelete() {
        Reply created = api.post(PLANS, plan("p1", "first"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode obj = created.json();
        assertThat(obj.at("/metadata/namespace").asText()).isEqualTo("demo");
        assertThat(obj.at("/metadata/uid").asText()).isNotEmpty();
        assertThat(obj.at("/metadata/generation").asInt()).isEqualTo(1);
        assertThat(obj.at("/spec/warm").asBoolean(true)).as("admission default stored").isFalse();

        Reply got = api.get(PLANS + "/p1");
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.json()).isEqualTo(obj);

        ObjectNode edit = obj.deepCopy();
        ((ObjectNode) edit.get("spec")).put("description", "second");
        Reply replaced = api.put(PLANS + "/p1", edit.toString());
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().at("/metadata/generation").asInt()).isEqualTo(2);

        // Same stale resourceVersion again: 409 Conflict.
        assertStatus(api.put(PLANS + "/p1", edit.toString()), 409, "Conflict");
        assertStatus(api.post(PLANS, plan("p1", "dup")), 409, "AlreadyExists");

        Reply deleted = api.delete(PLANS + "/p1");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().at("/metadata/name").asText()).isEqualTo("p1");
        assertStatus(api.get(PLANS + "/p1"), 404, "NotFound");
        assertStatus(api.delete(PLANS + "/p1"), 404, "NotFound");
    }

    @Test
    void listsAreKubernetesListsWithResourceVersion() {
        api.post(PLANS, plan("l1", "x"));
        api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/other/plans", plan("l2", "x"));
        Reply ns = api.get(PLANS);
        assertThat(ns.status()).isEqualTo(200);
        assertThat(ns.json().get("kind").asText()).isEqualTo("PlanList");
        assertThat(ns.json().at("/metadata/resourceVersion").asLong()).isPositive();
        assertThat(ns.json().get("items")).extracting(i -> i.at("/metadata/namespace").asText()).containsOnly("demo");
        Reply all = api.get("/apis/forklift.konveyor.io/v1beta1/plans");
        assertThat(all.json().get("items")).extracting(i -> i.at("/metadata/namespace").asText())
                .contains("demo", "other");
    }

    @Test
    void admissionRefusalIs422WithCauses() {
        Reply r = api.post(PROVIDERS, "{\"metadata\":{\"name\":\"vc\"},\"spec\":{\"url\":5}}");
        assertStatus(r, 422, "Invalid");
        JsonNode causes = r.json().at("/details/causes");
        assertThat(causes).hasSize(2);
        assertThat(causes.get(0).get("field").asText()).isEqualTo("spec.type");
        assertThat(causes.get(0).get("reason").asText()).isEqualTo("FieldValueRequired");
        assertThat(causes.get(1).get("field").asText()).isEqualTo("spec.url");
        assertThat(r.json().at("/details/name").asText()).isEqualTo("vc");
        assertStatus(api.get(PROVIDERS + "/vc"), 404, "NotFound");
    }

    @Test
    void kindApiVersionAndNameMustMatchTheUrl() {
        Reply wrongKind = api.post(PLANS, "{\"kind\":\"Provider\",\"metadata\":{\"name\":\"k\"}}");
        assertStatus(wrongKind, 422, "Invalid");
        assertThat(wrongKind.json().at("/details/causes/0/field").asText()).isEqualTo("kind");
        Reply wrongVersion = api.post(PLANS, "{\"apiVersion\":\"forklift.konveyor.io/v1\",\"metadata\":{\"name\":\"k\"}}");
        assertStatus(wrongVersion, 422, "Invalid");
        assertThat(wrongVersion.json().at("/details/causes/0/field").asText()).isEqualTo("apiVersion");
        api.post(PLANS, plan("named", "x"));
        assertStatus(api.put(PLANS + "/named", plan("other-name", "x")), 400, "BadRequest");
        assertStatus(api.post(PLANS, "{\"metadata\":{\"name\":\"n\",\"namespace\":\"elsewhere\"}}"), 400, "BadRequest");
        Reply badName = api.post(PLANS, "{\"metadata\":{\"name\":\"Not_Valid\"}}");
        assertStatus(badName, 422, "Invalid");
        assertThat(badName.json().at("/details/causes/0/field").asText()).isEqualTo("metadata.name");
        assertStatus(api.post(PLANS, "{\"metadata\":{}}"), 422, "Invalid");
        assertStatus(api.post(PLANS, "{\"metadata\":{\"name\":\"rv\",\"resourceVersion\":\"5\"}}"), 422, "Invalid");
        assertStatus(api.post(PLANS, "{\"metadata\":{\"name\":\"lbl\",\"labels\":{\"a\":1}}}"), 422, "Invalid");
    }

    @Test
    void yamlBodiesAndGenerateName() {
        String yaml = "apiVersion: forklift.konveyor.io/v1beta1\nkind: Migration\nmetadata:\n  generateName: run-\n"
                + "spec:\n  plan:\n    name: p\n    namespace: demo\n";
        Reply r = api.send(api.request("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/migrations")
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().at("/metadata/name").asText()).matches("run-[a-z0-9]{5}");
        assertThat(r.json().at("/spec/plan/name").asText()).isEqualTo("p");
    }

    @Test
    void malformedBodiesName400WithLineAndColumn() {
        Reply json = api.post(PLANS, "{\n  \"metadata\": {\n    \"name\": oops\n  }\n}");
        assertStatus(json, 400, "BadRequest");
        assertThat(json.json().get("message").asText()).contains("line 3").contains("column").doesNotContain("oops");
        Reply yaml = api.send(api.request(PLANS).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString("metadata:\n  name: [unclosed\n")).build());
        assertStatus(yaml, 400, "BadRequest");
        assertThat(yaml.json().get("message").asText()).contains("YAML").contains("line");
        assertStatus(api.post(PLANS, "[1,2]"), 400, "BadRequest");
        assertStatus(api.post(PLANS, "{\"a\":1,\"a\":2}"), 400, "BadRequest");
        assertStatus(api.post(PLANS, ""), 400, "BadRequest");
        assertStatus(api.send(api.request(PLANS).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "UnsupportedMediaType");
    }

    @Test
    void bodiesOverTwoMebibytesGet413() {
        String big = "{\"metadata\":{\"name\":\"big\"},\"spec\":{\"description\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}}";
        Reply r = api.post(PLANS, big);
        assertStatus(r, 413, "RequestEntityTooLarge");
        // under the request limit but over what the store keeps (etcd's 1.5 MiB): refused by the store, named
        String justUnder = "{\"metadata\":{\"name\":\"almost\"},\"spec\":{\"description\":\"" + "a".repeat(2 * 1024 * 1024 - 200) + "\"}}";
        assertStatus(api.post(PLANS, justUnder), 413, "RequestEntityTooLarge");
        assertThat(api.post(PLANS, justUnder).body()).contains("1572864 bytes");
        String fits = "{\"metadata\":{\"name\":\"fits\"},\"spec\":{\"description\":\"" + "a".repeat(1_500_000) + "\"}}";
        assertThat(api.post(PLANS, fits).status()).isEqualTo(201);
    }

    /** kubectl sends strategic merge patches for built-in kinds; for a ConfigMap's string maps that is a merge. */
    @Test
    void strategicMergePatchOnABuiltInKindIsAMergeAndItsDirectivesAreRefused() {
        String cms = "/api/v1/namespaces/demo/configmaps";
        assertThat(api.post(cms, "{\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"1\",\"b\":\"2\"}}").status()).isEqualTo(201);
        Reply r = api.send(api.request(cms + "/cfg").header("Content-Type", "application/strategic-merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"data\":{\"b\":null,\"c\":\"3\"}}")).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/data")).hasToString("{\"a\":\"1\",\"c\":\"3\"}");
        Reply directive = api.send(api.request(cms + "/cfg").header("Content-Type", "application/strategic-merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"metadata\":{\"$setElementOrder/finalizers\":[]},\"data\":{\"a\":\"9\"}}")).build());
        assertStatus(directive, 415, "UnsupportedMediaType");
        assertThat(directive.body()).contains("metadata.$setElementOrder/finalizers");
        assertThat(api.get(cms + "/cfg").json().at("/data/a").asText()).as("nothing half-applied").isEqualTo("1");
    }

    @Test
    void mergePatchMergesRemovesAndRespectsResourceVersion() {
        api.post(PLANS, "{\"metadata\":{\"name\":\"mp\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{\"description\":\"d\",\"targetNamespace\":\"t\"}}");
        Reply r = api.patch(PLANS + "/mp", "{\"metadata\":{\"labels\":{\"b\":null,\"c\":\"3\"}},\"spec\":{\"description\":\"new\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/metadata/labels")).hasToString("{\"a\":\"1\",\"c\":\"3\"}");
        assertThat(r.json().at("/spec/description").asText()).isEqualTo("new");
        assertThat(r.json().at("/spec/targetNamespace").asText()).isEqualTo("t");
        assertStatus(api.patch(PLANS + "/mp", "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"description\":\"x\"}}"),
                409, "Conflict");
        Reply plainJson = api.send(api.request(PLANS + "/mp").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\":{\"description\":\"json\"}}")).build());
        assertThat(plainJson.status()).isEqualTo(200);
        assertStatus(api.send(api.request(PLANS + "/mp").header("Content-Type", "application/strategic-merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")).build()), 415, "UnsupportedMediaType");
        assertStatus(api.patch(PLANS + "/mp", "{\"metadata\":{\"name\":\"renamed\"}}"), 400, "BadRequest");
        assertStatus(api.patch(PLANS + "/missing", "{}"), 404, "NotFound");
    }

    @Test
    void statusSubresourceWritesOnlyStatusAndAdmissionGuardsDelete() {
        api.post(PLANS, plan("st", "d"));
        Reply r = api.patch(PLANS + "/st/status", "{\"status\":{\"phase\":\"Running\"},\"spec\":{\"description\":\"ignored\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().at("/status/phase").asText()).isEqualTo("Running");
        assertThat(r.json().at("/spec/description").asText()).isEqualTo("d");
        // A spec replace keeps the status.
        JsonNode current = api.get(PLANS + "/st").json();
        ObjectNode noStatus = current.deepCopy();
        noStatus.remove("status");
        assertThat(api.put(PLANS + "/st", noStatus.toString()).json().at("/status/phase").asText()).isEqualTo("Running");
        Reply refused = api.delete(PLANS + "/st");
        assertStatus(refused, 422, "Invalid");
        assertThat(refused.json().at("/details/causes/0/field").asText()).isEqualTo("status.phase");
        assertThat(api.get(PLANS + "/st/status").json().at("/status/phase").asText()).isEqualTo("Running");
    }

    @Test
    void unknownResourcesPathsAndMethodsAreStatus404And405() {
        assertStatus(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/widgets"), 404, "NotFound");
        assertStatus(api.get("/api/v1/namespaces/demo/plans"), 404, "NotFound");
        assertStatus(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/secrets"), 404, "NotFound");
        assertStatus(api.get("/nothing/here"), 404, "NotFound");
        assertStatus(api.get(PLANS + "/UPPER"), 400, "BadRequest");
        assertStatus(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/" + "n".repeat(64) + "/plans"), 400, "BadRequest");
        assertStatus(api.send(api.request(PLANS).method("PUT", HttpRequest.BodyPublishers.ofString("{}")).build()),
                405, "MethodNotAllowed");
    }

    @Test
    void configMapsLiveUnderCoreApi() {
        String cms = "/api/v1/namespaces/demo/configmaps";
        Reply r = api.post(cms, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"v\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(api.get(cms + "/cm").json().at("/data/k").asText()).isEqualTo("v");
        assertThat(api.get(cms).json().get("kind").asText()).isEqualTo("ConfigMapList");
    }

    @Test
    void concurrentUnconditionalPatchesLoseNothing() throws Exception {
        api.post(PLANS, plan("busy", "x"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.List<java.util.concurrent.Future<Integer>> codes = new java.util.ArrayList<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 5; i++) {
                String key = "t" + t + "-" + i;
                codes.add(pool.submit(() -> api.patch(PLANS + "/busy", "{\"metadata\":{\"labels\":{\"" + key + "\":\"y\"}}}").status()));
            }
        }
        for (java.util.concurrent.Future<Integer> c : codes) {
            assertThat(c.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();
        assertThat(api.get(PLANS + "/busy").json().at("/metadata/labels").size()).isEqualTo(40);
    }

    @Test
    void labelAndFieldSelectorsFilterLists() {
        String ns = "/apis/forklift.konveyor.io/v1beta1/namespaces/sel/hooks";
        api.post(ns, "{\"metadata\":{\"name\":\"h1\",\"labels\":{\"wave\":\"1\",\"team\":\"db\"}}}");
        api.post(ns, "{\"metadata\":{\"name\":\"h2\",\"labels\":{\"wave\":\"2\"}}}");
        api.post(ns, "{\"metadata\":{\"name\":\"h3\"}}");
        java.util.function.Function<String, java.util.List<String>> names = q -> {
            Reply r = api.get(ns + "?" + q);
            assertThat(r.status()).as(q + " " + r.body()).isEqualTo(200);
            java.util.List<String> out = new java.util.ArrayList<>();
            r.json().get("items").forEach(i -> out.add(i.at("/metadata/name").asText()));
            return out;
        };
        assertThat(names.apply("labelSelector=wave%3D1")).containsExactly("h1");
        assertThat(names.apply("labelSelector=wave!%3D1")).containsExactly("h2", "h3");
        assertThat(names.apply("labelSelector=wave")).containsExactly("h1", "h2");
        assertThat(names.apply("labelSelector=!wave")).containsExactly("h3");
        assertThat(names.apply("labelSelector=wave%20in%20(1,2),team")).containsExactly("h1");
        assertThat(names.apply("labelSelector=wave%20notin%20(1)")).containsExactly("h2", "h3");
        assertThat(names.apply("fieldSelector=metadata.name%3Dh2")).containsExactly("h2");
        assertStatus(api.get(ns + "?fieldSelector=spec.x%3D1"), 400, "BadRequest");
        assertStatus(api.get(ns + "?labelSelector=a%3D%3D%3Db"), 400, "BadRequest");
    }
}
