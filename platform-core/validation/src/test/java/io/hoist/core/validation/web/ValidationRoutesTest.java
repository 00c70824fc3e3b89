package io.hoist.core.validation.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.validation.ValidationService;
import io.hoist.policy.engine.Limits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OPA data API MTV's controller calls, and the custom-rule endpoints, over a real HTTP server. */
class ValidationRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path data;
    private Vertx vertx;
    private HttpServer server;
    private ValidationService service;
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @BeforeEach
    void start() throws Exception {
        service = new ValidationService(new Inventory(), data.resolve("rules"), Limits.defaults(), 1).start(Duration.ofHours(1));
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false));
        new ValidationRoutes(service).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
        base = "http://localhost:" + server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        service.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String workload() throws Exception {
        try (InputStream in = ValidationRoutesTest.class.getResourceAsStream("/workloads/vsphere-erp-db-01.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void rulesVersionAndValidateAnswerLikeOpa() throws Exception {
        HttpResponse<String> v = send("GET", "/v1/data/io/konveyor/forklift/vmware/rules_version", null);
        assertThat(v.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(v.body())).isEqualTo(JSON.readTree("{\"result\":{\"rules_version\":2}}"));

        HttpResponse<String> r = send("POST", "/v1/data/io/konveyor/forklift/vmware/validate", "{\"input\":" + workload() + "}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = JSON.readTree(r.body()).get("result");
        assertThat(result.get("rules_version").asInt()).isEqualTo(2);
        assertThat(result.get("errors")).isEmpty();
        assertThat(result.get("concerns")).hasSize(8);
    }

    @Test
    void badRequestsSayWhichFieldAndWhy() throws Exception {
        HttpResponse<String> noInput = send("POST", "/v1/data/io/konveyor/forklift/vmware/validate", "{\"vm\":{}}");
        assertThat(noInput.statusCode()).isEqualTo(400);
        assertThat(noInput.body()).contains("expected a JSON object with an 'input' field");
        HttpResponse<String> notJson = send("POST", "/v1/data/io/konveyor/forklift/vmware/validate", "{oops");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("body: not JSON");
        HttpResponse<String> unknown = send("GET", "/v1/data/io/konveyor/forklift/hyperv/rules_version", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown rules package 'hyperv'");
    }

    @Test
    void conflictingConfigMapIsRefusedWith422AndRulesStay() throws Exception {
        String cm = """
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "forklift-validation-config"},
                 "data": {"valid.rego": "package io.konveyor.forklift.vmware\\n\\ndefault valid_input = true\\n"}}
                """;
        HttpResponse<String> r = send("PUT", "/v1/validation/configmaps/forklift-validation-config", cm);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(r.body()).get("message").asText())
                .contains("configmap forklift-validation-config/valid.rego:3", "default/validate.rego:6");
        JsonNode status = JSON.readTree(send("GET", "/v1/validation/rules", null).body());
        assertThat(status.at("/vmware/rulesVersion").asText()).isEqualTo("2");
        assertThat(status.at("/vmware/error").asText()).contains("valid_input");

        String bump = """
                {"data": {"rules_version.rego": "package io.konveyor.forklift.vmware\\nRULES_VERSION := 3\\nrules_version := {\\"rules_version\\": RULES_VERSION}\\n"}}
                """;
        assertThat(send("PUT", "/v1/validation/configmaps/forklift-validation-config", bump).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/data/io/konveyor/forklift/vmware/rules_version", null).body()).contains("\"rules_version\":3");
        assertThat(send("DELETE", "/v1/validation/configmaps/forklift-validation-config", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v1/data/io/konveyor/forklift/vmware/rules_version", null).body()).contains("\"rules_version\":2");
    }

    @Test
    void everyRouteIsDocumented() {
        assertThat(ValidationRoutes.openApiPaths().fieldNames()).toIterable().containsExactlyInAnyOrder(
                "/v1/data/io/konveyor/forklift/{provider}/rules_version", "/v1/data/io/konveyor/forklift/{provider}/validate",
                "/v1/validation/rules", "/v1/validation/configmaps/{name}", "/v1/validation/bundles/{name}");
    }
}
