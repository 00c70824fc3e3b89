package io.hoist.core.server.api;

import static io.hoist.core.server.api.ResourceApiTest.PROVIDERS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Accept: application/json;as=Table}: the CRD's printer columns filled from each object. */
class TablesTest {
    @TempDir
    Path dir;

    @Test
    void providersTableHasMtvColumnsAndValues() {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            assertThat(api.post(PROVIDERS, "{\"metadata\":{\"name\":\"vc\"},\"spec\":{\"type\":\"vsphere\",\"url\":\"https://vc/sdk\"}}")
                    .status()).isEqualTo(201);
            api.send(api.request(PROVIDERS + "/vc/status").header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"status\":{\"phase\":\"Ready\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},"
                                    + "{\"type\":\"ConnectionTestSucceeded\",\"status\":\"False\"}]}}")).build());
            Reply r = api.send(api.request(PROVIDERS).header("Accept",
                    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").GET().build());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode t = r.json();
            assertThat(t.get("kind").asText()).isEqualTo("Table");
            List<String> names = new ArrayList<>();
            t.get("columnDefinitions").forEach(c -> names.add(c.get("name").asText()));
            assertThat(names).containsExactly("Name", "TYPE", "STATUS", "READY", "CONNECTED", "INVENTORY", "URL", "AGE");
            JsonNode cells = t.at("/rows/0/cells");
            assertThat(cells.get(0).asText()).isEqualTo("vc");
            assertThat(cells.get(1).asText()).isEqualTo("vsphere");
            assertThat(cells.get(2).asText()).isEqualTo("Ready");
            assertThat(cells.get(3).asText()).isEqualTo("True");
            assertThat(cells.get(4).asText()).isEqualTo("False");
            assertThat(cells.get(5).isNull()).isTrue();
            assertThat(t.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
            assertThat(t.at("/rows/0/object/metadata/namespace").asText()).isEqualTo("demo");

            Reply one = api.send(api.request(PROVIDERS + "/vc?includeObject=None")
                    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").GET().build());
            assertThat(one.json().at("/rows").size()).isEqualTo(1);
            assertThat(one.json().at("/rows/0").has("object")).isFalse();
            // without the Accept, the plain object
            assertThat(api.get(PROVIDERS + "/vc").json().get("kind").asText()).isEqualTo("Provider");
        }
    }
}
