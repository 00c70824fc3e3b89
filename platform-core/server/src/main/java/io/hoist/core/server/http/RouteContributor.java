package io.hoist.core.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.HoistServer;
import io.vertx.ext.web.Router;

/**
 * Adds routes to the server's router (inventory, plugins, engine...). Routes added here sit behind the
 * same bearer-token check, body limit and error mapping as the core API: fail the context with an
 * {@link ApiException}, a store or admission exception, and the client gets a Kubernetes Status.
 * Run blocking work with {@code vertx.executeBlocking}, never on the event loop.
 */
@FunctionalInterface
public interface RouteContributor {
    void addRoutes(Router router, HoistServer.Context context);

    /**
     * OpenAPI 3 {@code paths} entries for the routes added (path -> path item, paths written with
     * {@code {param}}). Served in {@code /openapi.json}; a test checks every route is documented.
     */
    default ObjectNode openApiPaths() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }
}
