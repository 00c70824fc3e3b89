package io.hoist.core.server.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.http.ApiException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Log levels at run time: {@code GET /api/v1/loggers} lists the levels set; {@code PUT /api/v1/loggers/{name}} with
 * {@code {"level":"debug"}} sets one logger (package) and {@code {"level":null}} makes it inherit again.
 * {@code root} names the root logger.
 */
public final class LoggerRoutes {
    public static final String PATH = "/api/v1/loggers";
    private static final Pattern NAME = Pattern.compile("root|[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    public void mount(Router router) {
        router.get(PATH).handler(this::list);
        router.put(PATH + "/:name").handler(this::set);
    }

    private void list(RoutingContext ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("apiVersion", "v1").put("kind", "LoggerList");
        Logging.levels().forEach(body.putObject("levels")::put);
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
    }

    private void set(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches() || name.length() > 200) {
            throw ApiException.badRequest("logger name '" + name + "' is not a package or class name (or root)");
        }
        JsonNode body;
        try {
            body = ctx.body().length() == 0 ? null : JSON.readTree(ctx.body().asString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("body: not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.has("level") || !(body.get("level").isTextual() || body.get("level").isNull())) {
            throw ApiException.badRequest("level: required, one of trace, debug, info, warn, error, off (or null to inherit)");
        }
        String level = body.get("level").isNull() ? null : body.get("level").asText();
        try {
            Logging.setLevel(name, level);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("level: " + e.getMessage());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", name).put("effectiveLevel", Logging.effectiveLevel(name));
        ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
    }

    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        paths.putObject(PATH).putObject("get").put("summary", "Log levels set per logger (package)")
                .putObject("responses").putObject("200").put("description", "LoggerList");
        ObjectNode put = paths.putObject(PATH + "/{name}").putObject("put");
        put.put("summary", "Set one logger's level at run time: {\"level\":\"debug\"}, or null to inherit");
        put.putArray("parameters").addObject().put("name", "name").put("in", "path").put("required", true)
                .putObject("schema").put("type", "string");
        put.putObject("responses").putObject("200").put("description", "the logger's effective level");
        return paths;
    }
}
