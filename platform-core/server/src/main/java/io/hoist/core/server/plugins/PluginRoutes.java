package io.hoist.core.server.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/plugins}: every plugin with its state and the extension points it provides, as a
 * Kubernetes-style list ({@code kind: PluginList}). The catalogue is fixed at start, so answering is cheap
 * and stays on the event loop. Authentication is the router's job (HoistServer's bearer-token handler).
 */
public final class PluginRoutes {
    public static final String PATH = "/api/v1/plugins";

    private final PluginHost host;
    private final ObjectMapper mapper;

    public PluginRoutes(PluginHost host) {
        this(host, new ObjectMapper());
    }

    public PluginRoutes(PluginHost host, ObjectMapper mapper) {
        this.host = host;
        this.mapper = mapper;
    }

    public void mount(Router router) {
        router.get(PATH).handler(this::list);
    }

    /** The OpenAPI 3 {@code paths} entry of {@value #PATH}, for the server's {@code /openapi.json}. */
    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        ObjectNode op = paths.putObject(PATH).putObject("get");
        op.put("summary", "The plugins with their state (STARTED, FAILED, ...), error and extension points");
        op.put("operationId", "listPlugins");
        op.putArray("tags").add("plugins");
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "PluginList: pluginApiVersion and items [{id, version, state, requires, error, extensions"
                + " [{point, className, type}]}]");
        ok.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
        responses.putObject("401").put("description", "Missing or invalid bearer token (Status)");
        return paths;
    }

    private void list(RoutingContext ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", "v1");
        body.put("kind", "PluginList");
        body.put("pluginApiVersion", host.apiVersion());
        body.put("items", host.plugins());
        try {
            ctx.response().putHeader("Content-Type", "application/json").end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
