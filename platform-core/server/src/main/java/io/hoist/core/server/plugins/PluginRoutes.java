package io.hoist.core.server.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
