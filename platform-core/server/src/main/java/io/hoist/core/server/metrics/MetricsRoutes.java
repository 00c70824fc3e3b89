package io.hoist.core.server.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.http.TokenAuth;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /metrics} in the Prometheus text format. Mounted ahead of the API's token check: it takes the API
 * token or, when {@code DATA/metrics-token} exists, that read-only scrape token, which opens nothing else.
 */
public final class MetricsRoutes {
    /** The scrape token file in the data dir (0600), for a Prometheus that should not hold the API token. */
    public static final String SCRAPE_TOKEN_FILE = "metrics-token";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final Metrics metrics;
    private final TokenAuth api;
    private final TokenAuth scrape;

    public MetricsRoutes(Vertx vertx, Metrics metrics, TokenAuth api, Path dataDir) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.api = api;
        this.scrape = Files.exists(dataDir.resolve(SCRAPE_TOKEN_FILE)) ? TokenAuth.fromFile(dataDir.resolve(SCRAPE_TOKEN_FILE)) : null;
    }

    public void mount(Router router) {
        router.get("/metrics").handler(this::authorize).handler(this::serve);
    }

    private void authorize(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (api.accepts(header) || (scrape != null && scrape.accepts(header))) {
            ctx.next();
        } else {
            ctx.fail(401);
        }
    }

    private void serve(RoutingContext ctx) {
        // The scrape reads the store: off the event loop.
        vertx.executeBlocking(metrics::scrape, false).onComplete(r -> {
            if (r.failed()) {
                ctx.fail(r.cause());
            } else {
                ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(r.result());
            }
        });
    }

    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        ObjectNode get = paths.putObject("/metrics").putObject("get");
        get.put("summary", "Prometheus metrics: MTV's mtv_* metrics, Hoist's hoist_*, Vert.x and JVM (text format 0.0.4)");
        get.putObject("responses").putObject("200").put("description", "metrics in the Prometheus text format");
        return paths;
    }
}
