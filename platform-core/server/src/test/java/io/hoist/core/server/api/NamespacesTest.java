package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespaces as the API server keeps them: objects are written only into namespaces that exist (404
 * {@code namespaces "x" not found}), reads of a missing one answer as before, a new data dir has {@code default} and
 * {@code openshift-mtv}, and a data dir from before this check keeps every object: their namespaces are adopted.
 */
class NamespacesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLANS = "/apis/forklift.konveyor.io/v1beta1/namespaces/%s/plans";
    private static final String CONFIGMAPS = "/api/v1/namespaces/%s/configmaps";

    @TempDir
    Path dir;

    static void assertNamespaceNotFound(Reply r, String ns) {
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        JsonNode st = r.json();
        assertThat(st.get("kind").asText()).isEqualTo("Status");
        assertThat(st.get("reason").asText()).isEqualTo("NotFound");
        assertThat(st.get("message").asText()).isEqualTo("namespaces \"" + ns + "\" not found");
        assertThat(st.at("/details/kind").asText()).isEqualTo("namespaces");
        assertThat(st.at("/details/name").asText()).isEqualTo(ns);
    }

    @Test
    void writesIntoAMissingNamespaceAreRefusedNamingIt() {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            String plan = "{\"metadata\":{\"name\":\"p\"},\"spec\":{}}";
            assertNamespaceNotFound(api.post(PLANS.formatted("nowhere"), plan), "nowhere");
            assertNamespaceNotFound(api.post(PLANS.formatted("nowhere") + "?dryRun=All", plan), "nowhere");
            assertNamespaceNotFound(api.post(CONFIGMAPS.formatted("nowhere"), "{\"metadata\":{\"name\":\"c\"}}"), "nowhere");
            assertNamespaceNotFound(api.put(CONFIGMAPS.formatted("nowhere") + "/c", "{\"metadata\":{\"name\":\"c\"}}"), "nowhere");
            assertNamespaceNotFound(api.patch(PLANS.formatted("nowhere") + "/p", "{\"spec\":{}}"), "nowhere");
            // reads answer as the API server's: an empty list, the object not found
            Reply list = api.get(PLANS.formatted("nowhere"));
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().get("items")).isEmpty();
            Reply get = api.get(PLANS.formatted("nowhere") + "/p");
            assertThat(get.status()).isEqualTo(404);
            assertThat(get.json().get("message").asText()).isEqualTo("plans \"p\" not found");
            // nothing was stored, and the missing namespace was not made to exist
            assertThat(api.server.store().list(ResourceKind.PLAN, null)).isEmpty();
            assertThat(api.get("/api/v1/namespaces/nowhere").status()).isEqualTo(404);

            // once created, the same write goes through
            assertThat(api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"nowhere\"}}")
                    .status()).isEqualTo(201);
            assertThat(api.post(CONFIGMAPS.formatted("nowhere"), "{\"metadata\":{\"name\":\"c\"}}").status()).isEqualTo(201);
            assertThat(api.post(CONFIGMAPS.formatted("default"), "{\"metadata\":{\"name\":\"c\"}}").status()).isEqualTo(201);
        }
    }

    @Test
    void aNewDataDirHasDefaultAndOpenshiftMtvAndCreatedOnesSurviveARestart() {
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(names(api)).containsExactly("default", "openshift-mtv");
            assertThat(api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"wave-1\","
                    + "\"labels\":{\"team\":\"a\"}}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"wave-1\"}}").status()).isEqualTo(409);
            Reply bad = api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"Wave_1\"}}");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.json().at("/details/causes/0/field").asText()).isEqualTo("metadata.name");
            assertThat(api.delete("/api/v1/namespaces/default").status()).isEqualTo(403);
            // openshift-mtv is an ordinary namespace: it may go, and stays gone
            assertThat(api.delete("/api/v1/namespaces/openshift-mtv").status()).isEqualTo(200);
            // labels and annotations can be patched (kubectl label, kubectl apply of a changed Namespace)
            Reply patched = api.patch("/api/v1/namespaces/wave-1", "{\"metadata\":{\"labels\":{\"team\":null,\"wave\":\"1\"}}}");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            assertThat(patched.json().at("/metadata/labels").toString()).isEqualTo("{\"wave\":\"1\"}");
            Reply spec = api.patch("/api/v1/namespaces/wave-1", "{\"spec\":{\"finalizers\":[]}}");
            assertThat(spec.status()).isEqualTo(422);
            assertThat(spec.json().at("/details/causes/0/field").asText()).isEqualTo("spec");
        }
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(names(api)).containsExactly("default", "wave-1");
            assertThat(api.get("/api/v1/namespaces/wave-1").json().at("/metadata/labels/wave").asText()).isEqualTo("1");
            assertThat(api.get("/api/v1/namespaces/wave-1").json().at("/status/phase").asText()).isEqualTo("Active");
        }
    }

    @Test
    void aNamespaceHoldingObjectsIsKeptButItsEventsGoWithIt() {
        try (RunningServer api = RunningServer.start(dir, "wave-2")) {
            assertThat(api.post(CONFIGMAPS.formatted("wave-2"), "{\"metadata\":{\"name\":\"c\"}}").status()).isEqualTo(201);
            Reply held = api.delete("/api/v1/namespaces/wave-2");
            assertThat(held.status()).isEqualTo(409);
            assertThat(held.json().get("message").asText()).contains("configmaps/c");
            assertThat(api.delete(CONFIGMAPS.formatted("wave-2") + "/c").status()).isEqualTo(200);
            ObjectNode event = JSON.createObjectNode();
            event.putObject("metadata").put("name", "e1").put("namespace", "wave-2");
            event.put("reason", "Test").put("message", "a platform event");
            api.server.store().create(ResourceKind.EVENT, event);
            assertThat(api.delete("/api/v1/namespaces/wave-2").status()).isEqualTo(200);
            assertThat(api.server.store().list(ResourceKind.EVENT, "wave-2")).isEmpty();
            assertThat(api.get("/api/v1/namespaces/wave-2").status()).isEqualTo(404);
        }
    }

    /** A data dir written before namespaces were checked: objects in namespaces nobody created, no namespaces.json. */
    @Test
    void namespacesHoldingObjectsInAnOlderDataDirAreAdoptedAtStart() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode cm = JSON.createObjectNode();
            cm.put("apiVersion", "v1").put("kind", "ConfigMap");
            cm.putObject("metadata").put("name", "rules").put("namespace", "legacy-a");
            cm.putObject("data").put("k", "v");
            store.create(ResourceKind.CONFIG_MAP, cm);
            ObjectNode plan = JSON.createObjectNode();
            plan.put("apiVersion", "forklift.konveyor.io/v1beta1").put("kind", "Plan");
            plan.putObject("metadata").put("name", "old-plan").put("namespace", "legacy-b");
            plan.putObject("spec");
            store.create(ResourceKind.PLAN, plan);
        }
        assertThat(dir.resolve(NamespaceRegistry.FILE)).doesNotExist();
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(names(api)).containsExactly("default", "legacy-a", "legacy-b", "openshift-mtv");
            JsonNode adopted = api.get("/api/v1/namespaces/legacy-b").json();
            assertThat(adopted.at("/metadata/annotations").has(NamespaceRegistry.ADOPTED)).isTrue();
            // nothing stored was lost, and both stay writable
            assertThat(api.get(PLANS.formatted("legacy-b") + "/old-plan").status()).isEqualTo(200);
            assertThat(api.patch(CONFIGMAPS.formatted("legacy-a") + "/rules", "{\"data\":{\"k\":\"w\"}}").status()).isEqualTo(200);
        }
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            assertThat(store.namespaces()).containsKeys("legacy-a", "legacy-b");
        }
    }

    /** A data dir from before namespaces were stored: its namespaces.json is imported into the store, nothing lost. */
    @Test
    void namespacesOfAnOlderDataDirsFileMoveIntoTheStore() throws Exception {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            ObjectNode plan = JSON.createObjectNode();
            plan.put("apiVersion", "forklift.konveyor.io/v1beta1").put("kind", "Plan");
            plan.putObject("metadata").put("name", "p").put("namespace", "team-a");
            plan.putObject("spec");
            store.create(ResourceKind.PLAN, plan);
        }
        // as the file-based registry wrote it: openshift-mtv deleted by the user, team-a and an empty team-b created
        Files.writeString(dir.resolve(NamespaceRegistry.FILE), """
                {"namespaces": {
                  "team-a": {"uid": "u-a", "creationTimestamp": "2026-01-02T03:04:05Z", "labels": {"env": "prod"}},
                  "team-b": {"uid": "u-b", "creationTimestamp": "2026-01-02T03:04:06Z",
                             "annotations": {"owner": "infra"}}
                }}
                """);
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(names(api)).containsExactly("default", "team-a", "team-b");
            JsonNode a = api.get("/api/v1/namespaces/team-a").json();
            assertThat(a.at("/metadata/uid").asText()).isEqualTo("u-a");
            assertThat(a.at("/metadata/labels/env").asText()).isEqualTo("prod");
            assertThat(api.get("/api/v1/namespaces/team-b").json().at("/metadata/annotations/owner").asText())
                    .isEqualTo("infra");
            assertThat(api.get(PLANS.formatted("team-a") + "/p").status()).isEqualTo(200);
        }
        assertThat(dir.resolve(NamespaceRegistry.FILE)).doesNotExist();
        assertThat(Files.readString(dir.resolve(NamespaceRegistry.IMPORTED_FILE))).contains("team-a", "team-b");
        // a second start keeps what the store holds (the deleted openshift-mtv does not come back)
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(names(api)).containsExactly("default", "team-a", "team-b");
        }
    }

    private static List<String> names(RunningServer api) {
        List<String> out = new ArrayList<>();
        api.get("/api/v1/namespaces").json().get("items").forEach(i -> out.add(i.at("/metadata/name").asText()));
        return out;
    }
}
