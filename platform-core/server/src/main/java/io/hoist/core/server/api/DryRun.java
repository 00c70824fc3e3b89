package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * {@code ?dryRun=All}: the write runs every check (admission, existence, resourceVersion) and answers what it
 * would have stored, but the store is never written, so no watcher sees an event. What the store itself owns
 * (uid, generation, creationTimestamp) is filled in as the store would; resourceVersion stays the stored one
 * (empty on create), as the API server answers a dry run.
 */
final class DryRun {
    private DryRun() {}

    /** True for {@code dryRun=All}; 400 for any other value, as the API server answers. */
    static boolean requested(RoutingContext ctx) {
        List<String> values = new java.util.ArrayList<>(ctx.queryParams().getAll("dryRun"));
        values.addAll(deleteOptions(ctx));
        if (values.isEmpty()) {
            return false;
        }
        for (String v : values) {
            if (!"All".equals(v)) {
                throw ApiException.badRequest("dryRun: Unsupported value: \"" + io.hoist.core.model.Echo.abbreviate(v)
                        + "\": supported values: \"All\"");
            }
        }
        return true;
    }

    /** kubectl delete sends dryRun in a DeleteOptions body rather than in the query. */
    private static List<String> deleteOptions(RoutingContext ctx) {
        if (ctx.request().method() != io.vertx.core.http.HttpMethod.DELETE || ctx.body() == null
                || ctx.body().buffer() == null || ctx.body().length() == 0) {
            return List.of();
        }
        com.fasterxml.jackson.databind.JsonNode options;
        try {
            options = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctx.body().buffer().getBytes());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the DELETE body must be a JSON DeleteOptions object");
        }
        com.fasterxml.jackson.databind.JsonNode dryRun = options == null ? null : options.get("dryRun");
        if (dryRun == null || dryRun.isNull()) {
            return List.of();
        }
        if (!dryRun.isArray()) {
            throw ApiException.badRequest("DeleteOptions.dryRun must be a list such as [\"All\"]");
        }
        List<String> out = new java.util.ArrayList<>();
        dryRun.forEach(v -> out.add(v.asText()));
        return out;
    }

    static ObjectNode create(ResourceStore store, ResourceKind kind, ObjectNode admitted) {
        ObjectNode obj = admitted.deepCopy();
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        String ns = meta.path("namespace").asText();
        String name = meta.path("name").asText();
        if (store.get(kind, ns, name).isPresent()) {
            throw new StoreException.AlreadyExists(kind.plural() + " \"" + name + "\" already exists");
        }
        obj.put("apiVersion", kind.apiVersion());
        obj.put("kind", kind.kind());
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("generation", 1);
        meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.remove("resourceVersion");
        return obj;
    }

    /** An update of metadata and spec ({@code statusOnly} false) or of the status alone. */
    static ObjectNode update(ResourceStore store, ResourceKind kind, ObjectNode incoming, boolean statusOnly) {
        ObjectNode in = incoming.deepCopy();
        ObjectNode inMeta = (ObjectNode) in.get("metadata");
        String ns = inMeta.path("namespace").asText();
        String name = inMeta.path("name").asText();
        ObjectNode existing = store.get(kind, ns, name)
                .orElseThrow(() -> new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found"));
        ObjectNode oldMeta = (ObjectNode) existing.get("metadata");
        String expected = inMeta.path("resourceVersion").asText("");
        if (!expected.isEmpty() && !expected.equals(oldMeta.path("resourceVersion").asText())) {
            throw new StoreException.Conflict("Operation cannot be fulfilled on " + kind.plural() + " \"" + name
                    + "\": the object has been modified; please apply your changes to the latest version and try again");
        }
        if (statusOnly) {
            ObjectNode result = existing.deepCopy();
            if (in.has("status")) {
                result.set("status", in.get("status"));
            } else {
                result.remove("status");
            }
            return result;
        }
        if (existing.has("status")) {
            in.set("status", existing.get("status"));
        } else {
            in.remove("status");
        }
        long generation = oldMeta.path("generation").asLong(1);
        if (!existing.path("spec").equals(in.path("spec"))) {
            generation++;
        }
        in.put("apiVersion", kind.apiVersion());
        in.put("kind", kind.kind());
        inMeta.set("uid", oldMeta.get("uid"));
        inMeta.set("creationTimestamp", oldMeta.get("creationTimestamp"));
        inMeta.put("generation", generation);
        inMeta.set("resourceVersion", oldMeta.get("resourceVersion"));
        return in;
    }
}
