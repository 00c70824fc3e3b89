package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health without a token, everything else with one; SelfSubjectAccessReview answers for the token. */
class ClusterApiTest {
    @TempDir
    Path dir;

    static String review(String verb, String group, String resource) {
        return "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",\"spec\":{\"resourceAttributes\":"
                + "{\"verb\":\"" + verb + "\",\"group\":\"" + group + "\",\"resource\":\"" + resource + "\",\"namespace\":\"demo\"}}}";
    }

    @Test
    void healthIsPublicAndReviewsAnswerPerResource() {
        try (RunningServer api = RunningServer.start(dir)) {
            for (String h : new String[] {"/healthz", "/livez", "/readyz"}) {
                Reply r = api.send(HttpRequest.newBuilder(URI.create(api.server.url() + h)).GET().build());
                assertThat(r.status()).as(h).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ok");
            }
            Reply anonymous = api.send(HttpRequest.newBuilder(URI.create(api.server.url() + "/api/v1/namespaces/demo/secrets")).GET().build());
            assertThat(anonymous.status()).isEqualTo(401);

            String path = ClusterApi.REVIEWS;
            assertThat(api.post(path, review("create", "forklift.konveyor.io", "plans")).json().at("/status/allowed").asBoolean()).isTrue();
            assertThat(api.post(path, review("list", "", "events")).json().at("/status/allowed").asBoolean()).isTrue();
            assertThat(api.post(path, review("create", "", "events")).json().at("/status/allowed").asBoolean()).isFalse();
            Reply pods = api.post(path, review("get", "", "pods"));
            assertThat(pods.status()).isEqualTo(201);
            assertThat(pods.json().at("/status/allowed").asBoolean()).isFalse();
            assertThat(pods.json().at("/status/reason").asText()).contains("does not serve");
            assertThat(api.post(path, "{\"spec\":{}}").status()).isEqualTo(422);

            // namespaces are implicit: default, and every namespace holding an object
            assertThat(api.post("/api/v1/namespaces/team-a/configmaps", "{\"metadata\":{\"name\":\"c\"}}").status()).isEqualTo(201);
            Reply list = api.get("/api/v1/namespaces");
            assertThat(list.json().get("kind").asText()).isEqualTo("NamespaceList");
            assertThat(list.json().at("/items/0/metadata/name").asText()).isEqualTo("default");
            assertThat(list.json().at("/items/1/metadata/name").asText()).isEqualTo("team-a");
            assertThat(list.json().get("items")).hasSize(2);
            assertThat(api.get("/api/v1/namespaces/team-a").json().at("/status/phase").asText()).isEqualTo("Active");
            assertThat(api.get("/api/v1/namespaces/nowhere").status()).isEqualTo(404);

            // created ones are listed while empty; a bad name is a 422 naming metadata.name
            assertThat(api.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"wave-1\"}}")
                    .status()).isEqualTo(201);
            Reply bad = api.post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"Wave_1\"}}");
            assertThat(bad.status()).isEqualTo(422);
            assertThat(bad.json().at("/details/causes/0/field").asText()).isEqualTo("metadata.name");
            assertThat(api.delete("/api/v1/namespaces/default").status()).isEqualTo(403);
        }
        // kept across a restart (DATA/namespaces.json)
        try (RunningServer api = RunningServer.start(dir)) {
            assertThat(api.get("/api/v1/namespaces/wave-1").status()).isEqualTo(200);
            assertThat(api.delete("/api/v1/namespaces/wave-1").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/namespaces/wave-1").status()).isEqualTo(404);
        }
    }
}
