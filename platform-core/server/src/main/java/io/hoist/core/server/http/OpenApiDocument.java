package io.hoist.core.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The OpenAPI 3 document served at {@code /openapi.json}: the hand-written core API description
 * ({@code openapi.json} next to this class) plus the paths each {@link RouteContributor} declares.
 * Hand-written on purpose: generating it from the router would make the routes-vs-document test prove
 * nothing.
 */
public final class OpenApiDocument {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenApiDocument() {}

    public static ObjectNode build(List<RouteContributor> contributors) {
        ObjectNode doc = core();
        ObjectNode paths = (ObjectNode) doc.get("paths");
        for (RouteContributor c : contributors) {
            c.openApiPaths().fields().forEachRemaining(e -> paths.set(e.getKey(), e.getValue()));
        }
        return doc;
    }

    static ObjectNode core() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server jar");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json in the server jar is unreadable", e);
        }
    }
}
