package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.RunningServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /openapi/v3 and /openapi/v2 over HTTP: what kubectl (KubectlConformanceTest) and other clients read. */
class KubeOpenApiTest {
    @TempDir
    Path dir;

    @Test
    void v3IndexLinksEachGroupVersionWithItsHash() {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            JsonNode index = api.get("/openapi/v3").json();
            String url = index.at("/paths/apis~1forklift.konveyor.io~1v1beta1/serverRelativeURL").asText();
            assertThat(url).startsWith("/openapi/v3/apis/forklift.konveyor.io/v1beta1?hash=");
            assertThat(index.at("/paths/api~1v1/serverRelativeURL").asText()).startsWith("/openapi/v3/api/v1?hash=");

            RunningServer.Reply doc = api.get(url);
            assertThat(doc.status()).isEqualTo(200);
            assertThat(doc.raw().headers().firstValue("Cache-Control")).hasValue("public, immutable");
            JsonNode plan = doc.json().at("/components/schemas/io.konveyor.forklift.v1beta1.Plan");
            assertThat(plan.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("Plan");
            assertThat(plan.at("/properties/spec/properties/vms/type").asText()).isEqualTo("array");
            assertThat(plan.at("/properties/metadata/allOf/0/$ref").asText())
                    .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            // the PATCH operation names fieldValidation: kubectl then leaves field validation to the server
            JsonNode patch = doc.json().at("/paths/~1apis~1forklift.konveyor.io~1v1beta1~1namespaces~1{namespace}~1plans~1{name}/patch");
            assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Plan");
            assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation", "dryRun");
            // events are read-only: no write operations
            JsonNode core = api.get("/openapi/v3/api/v1").json();
            assertThat(core.at("/paths/~1api~1v1~1namespaces~1{namespace}~1events~1{name}").has("patch")).isFalse();
            assertThat(core.at("/paths/~1api~1v1~1namespaces~1{namespace}~1secrets~1{name}").has("patch")).isTrue();

            assertThat(api.get("/openapi/v3/apis/example.com/v1").status()).isEqualTo(404);
        }
    }

    @Test
    void v2IsJsonAndAProtobufOnlyRequestGets406() {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            JsonNode v2 = api.get("/openapi/v2").json();
            assertThat(v2.path("swagger").asText()).isEqualTo("2.0");
            assertThat(v2.at("/definitions/io.konveyor.forklift.v1beta1.Provider/properties/metadata/$ref").asText())
                    .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            assertThat(v2.toString()).doesNotContain("#/components/");
            RunningServer.Reply proto = api.send(api.request("/openapi/v2")
                    .header("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf").GET().build());
            assertThat(proto.status()).isEqualTo(406);
            assertThat(proto.json().path("kind").asText()).isEqualTo("Status");
        }
    }

    @Test
    void theDocumentsNeedTheToken() throws Exception {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            var anonymous = java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.server.url() + "/openapi/v3")).build();
            assertThat(api.http.send(anonymous, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
    }
}
