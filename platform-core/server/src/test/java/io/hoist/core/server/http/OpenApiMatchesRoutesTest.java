package io.hoist.core.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code /openapi.json} in step with the router: every route (path and method) is documented,
 * every documented operation is routed and answered, and the plural enums list exactly the kinds.
 */
class OpenApiMatchesRoutesTest {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "patch", "delete", "head", "options");

    @TempDir
    Path dir;

    @Test
    void documentAndRouterAgree() throws Exception {
        try (RunningServer api = RunningServer.start(dir, "demo")) {
            Map<String, Set<String>> routed = new TreeMap<>();
            for (Route r : api.server.router().getRoutes()) {
                if (r.getPath() == null) {
                    continue; // route() handlers: auth, body, failure handling
                }
                String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
                Set<String> methods = routed.computeIfAbsent(path, p -> new TreeSet<>());
                assertThat(r.methods()).as("route %s must name its methods", path).isNotEmpty();
                r.methods().stream().map(HttpMethod::name).map(m -> m.toLowerCase(Locale.ROOT)).forEach(methods::add);
            }

            JsonNode doc = api.get("/openapi.json").json();
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            Map<String, Set<String>> documented = new TreeMap<>();
            doc.get("paths").fields().forEachRemaining(p -> {
                Set<String> methods = new TreeSet<>();
                p.getValue().fieldNames().forEachRemaining(m -> {
                    if (HTTP_METHODS.contains(m)) {
                        methods.add(m);
                    }
                });
                documented.put(p.getKey(), methods);
            });
            assertThat(documented).isEqualTo(routed);
            assertThat(routed).containsKey("/apis/forklift.konveyor.io/v1beta1/namespaces/{namespace}/{plural}/{name}/status");

            assertThat(enumOf(doc, "forkliftPlural")).isEqualTo(plurals(false));
            assertThat(enumOf(doc, "corePlural")).isEqualTo(plurals(true));

            // Every documented operation is really served (no 404 "no route", no 405).
            for (Map.Entry<String, Set<String>> e : documented.entrySet()) {
                String core = e.getKey().startsWith("/api/v1/") ? "configmaps"
                        : e.getKey().startsWith("/apis/events.k8s.io/") ? "events" : "plans";
                String url = e.getKey().replace("{namespace}", "demo").replace("{plural}", core).replace("{name}", "x")
                        .replace("{group}/{version}", "forklift.konveyor.io/v1beta1").replace("{version}", "v1");
                for (String m : e.getValue()) {
                    RunningServer.Reply r = api.send(api.request(url).header("Content-Type", "application/merge-patch+json")
                            .method(m.toUpperCase(Locale.ROOT), m.equals("get") || m.equals("delete")
                                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}")).build());
                    assertThat(r.status()).as(m + " " + url).isNotEqualTo(405).isLessThan(500);
                    assertThat(r.body()).as(m + " " + url).doesNotContain(StatusBody.messageFor(404));
                }
            }
        }
    }

    private static Set<String> enumOf(JsonNode doc, String parameter) {
        Set<String> out = new TreeSet<>();
        doc.at("/components/parameters/" + parameter + "/schema/enum").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> plurals(boolean core) {
        Set<String> out = new TreeSet<>();
        Arrays.stream(ResourceKind.values()).filter(k -> k.group().isEmpty() == core).forEach(k -> out.add(k.plural()));
        return out;
    }
}
