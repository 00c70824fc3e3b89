package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health without a token, everything else with one; SelfSubjectAccessReview answers for the token (namespaces: NamespacesTest). */
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
        }
    }
}
