package io.hoist.core.inventory.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.InventoryDocument;
import io.hoist.core.inventory.InventoryDocuments;
import io.hoist.core.inventory.ProviderStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * MTV's inventory routes over the shared {@link Inventory}, for every provider type:
 * <pre>
 * GET /providers                                   {type: [provider, ...]}
 * GET /providers/{type}                            [provider, ...]
 * GET /providers/{type}/{uid}                      provider
 * GET /providers/{type}/{uid}/{collection}         [document, ...]   detail, limit, offset, name
 * GET /providers/{type}/{uid}/{collection}/{id}    document
 * GET /providers/{type}/{uid}/workloads/{id}       {"input": workload}
 * GET /providers/{type}/{uid}/tree/{name}          tree
 * </pre>
 * Provider-scoped routes answer 206 until the provider's first full collection completes. Answers are
 * built on a worker thread (documents can be large), never on the event loop. Authentication is the
 * router's job: the composition root installs its bearer-token handler before calling {@link #mount}.
 */
public final class InventoryRoutes {
    private static final int PARTIAL = 206;

    private final Inventory inventory;
    private final ObjectMapper mapper;

    public InventoryRoutes(Inventory inventory) {
        this(inventory, new ObjectMapper());
    }

    public InventoryRoutes(Inventory inventory, ObjectMapper mapper) {
        this.inventory = inventory;
        this.mapper = mapper;
    }

    /** Adds the inventory routes to {@code router}. Specific routes come before the generic collection route. */
    public void mount(Router router) {
        router.get("/providers").handler(ctx -> answer(ctx, this::allProviders));
        router.get("/providers/:type").handler(ctx -> answer(ctx, this::providersOfType));
        router.get("/providers/:type/:uid").handler(ctx -> answer(ctx, this::provider));
        router.get("/providers/:type/:uid/workloads/:id").handler(ctx -> answer(ctx, this::workload));
        router.get("/providers/:type/:uid/tree/:name").handler(ctx -> answer(ctx, this::tree));
        router.get("/providers/:type/:uid/:collection").handler(ctx -> answer(ctx, this::list));
        router.get("/providers/:type/:uid/:collection/:id").handler(ctx -> answer(ctx, this::document));
    }

    /**
     * The OpenAPI 3 {@code paths} entries of these routes (path parameters as {@code {name}}), for the
     * server's {@code /openapi.json}.
     */
    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        get(paths, "/providers", "providersByType", "Every provider with inventory, grouped by type",
                List.of("detail"), "object");
        get(paths, "/providers/{type}", "providersOfType", "The providers of one type",
                List.of("type", "detail", "limit", "offset", "name"), "array");
        get(paths, "/providers/{type}/{uid}", "provider", "One provider: phase, revision, counters",
                List.of("type", "uid", "detail"), "object");
        get(paths, "/providers/{type}/{uid}/{collection}", "inventoryList",
                "A collection (vms, networks, datastores, ...); 206 until the first collection completes",
                List.of("type", "uid", "collection", "detail", "limit", "offset", "name"), "array");
        get(paths, "/providers/{type}/{uid}/{collection}/{id}", "inventoryDocument", "One document",
                List.of("type", "uid", "collection", "id"), "object");
        get(paths, "/providers/{type}/{uid}/workloads/{id}", "inventoryWorkload",
                "A VM's workload, wrapped in {\"input\": ...} as the validation rules read it",
                List.of("type", "uid", "id"), "object");
        get(paths, "/providers/{type}/{uid}/tree/{name}", "inventoryTree", "A named tree (e.g. vm, host)",
                List.of("type", "uid", "name"), "object");
        return paths;
    }

    private static void get(ObjectNode paths, String path, String operationId, String summary, List<String> params,
                            String schemaType) {
        ObjectNode op = paths.putObject(path).putObject("get");
        op.put("summary", summary);
        op.put("operationId", operationId);
        op.putArray("tags").add("inventory");
        var parameters = op.putArray("parameters");
        for (String p : params) {
            boolean inPath = path.contains("{" + p + "}");
            ObjectNode param = parameters.addObject();
            param.put("name", p);
            param.put("in", inPath ? "path" : "query");
            param.put("required", inPath);
            param.putObject("schema").put("type", p.equals("limit") || p.equals("offset") ? "integer" : "string");
            if (p.equals("detail")) {
                param.put("description", "0 (default: summaries), 1, 2, ... or all (full documents)");
            }
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "OK");
        ok.putObject("content").putObject("application/json").putObject("schema").put("type", schemaType);
        if (path.contains("{uid}")) {
            responses.putObject("206").put("description", "The provider's first inventory collection is still running");
        }
        responses.putObject("400").put("description", "Bad detail, limit or offset (Status)");
        responses.putObject("401").put("description", "Missing or invalid bearer token (Status)");
        responses.putObject("404").put("description", "Unknown provider, collection or document (Status)");
    }

    // ---- handlers: each returns the status and body; run on a worker thread ----

    private Answer allProviders(RoutingContext ctx) {
        ListQuery query = ListQuery.parse(ctx.queryParams());
        Map<String, List<Map<String, Object>>> byType = new TreeMap<>();
        for (ProviderStatus status : inventory.providers(null)) {
            byType.computeIfAbsent(status.ref().type(), t -> new ArrayList<>()).add(providerJson(status, query));
        }
        return Answer.ok(byType);
    }

    private Answer providersOfType(RoutingContext ctx) {
        ListQuery query = ListQuery.parse(ctx.queryParams());
        List<Map<String, Object>> out = inventory.providers(ctx.pathParam("type")).stream()
                .filter(s -> query.name() == null || s.ref().name().equals(query.name()))
                .map(s -> providerJson(s, query))
                .toList();
        return Answer.ok(page(out, query));
    }

    private Answer provider(RoutingContext ctx) {
        ListQuery query = ListQuery.parse(ctx.queryParams());
        ProviderStatus status = requireProvider(ctx);
        return Answer.of(status, providerJson(status, query.detail() == 0 ? new ListQuery(1, 0, 0, null) : query));
    }

    private Answer list(RoutingContext ctx) {
        ListQuery query = ListQuery.parse(ctx.queryParams());
        ProviderStatus status = requireProvider(ctx);
        String collection = ctx.pathParam("collection");
        List<InventoryDocument> docs = inventory.list(status.ref().uid(), collection).orElseGet(() -> {
            // A collection the plugin has not published yet is empty while collecting, unknown after.
            if (!status.synced()) {
                return List.of();
            }
            throw new NotFoundException("collection '" + collection + "' not found for provider "
                    + status.ref().name() + " (" + status.ref().type() + ")");
        });
        String selfBase = selfLink(status) + "/" + collection + "/";
        Function<InventoryDocument, Map<String, Object>> render = query.full()
                ? InventoryDocuments::full : InventoryDocuments::summary;
        List<Map<String, Object>> out = docs.stream()
                .filter(d -> query.name() == null || d.name().equals(query.name()))
                .map(d -> withSelfLink(render.apply(d), selfBase + d.id()))
                .toList();
        return Answer.of(status, page(out, query));
    }

    private Answer document(RoutingContext ctx) {
        ProviderStatus status = requireProvider(ctx);
        String collection = ctx.pathParam("collection");
        String id = ctx.pathParam("id");
        InventoryDocument doc = inventory.document(status.ref().uid(), collection, id)
                .orElseThrow(() -> new NotFoundException(collection + " '" + id + "' not found for provider "
                        + status.ref().name() + " (" + status.ref().type() + ")"));
        return Answer.of(status, withSelfLink(InventoryDocuments.full(doc), selfLink(status) + "/" + collection + "/" + id));
    }

    private Answer workload(RoutingContext ctx) {
        ProviderStatus status = requireProvider(ctx);
        String id = ctx.pathParam("id");
        InventoryDocument doc = inventory.workloadDocument(status.ref().uid(), id)
                .orElseThrow(() -> new NotFoundException("workload '" + id + "' not found for provider "
                        + status.ref().name() + " (" + status.ref().type() + ")"));
        // MTV answers workloads wrapped in "input": the same shape the validation rules read.
        Map<String, Object> input = withSelfLink(InventoryDocuments.full(doc), selfLink(status) + "/workloads/" + id);
        return Answer.of(status, Map.of("input", input));
    }

    private Answer tree(RoutingContext ctx) {
        ProviderStatus status = requireProvider(ctx);
        String name = ctx.pathParam("name");
        Optional<Object> tree = inventory.tree(status.ref().uid(), name);
        return Answer.of(status, tree.orElseThrow(() -> new NotFoundException("tree '" + name
                + "' not found for provider " + status.ref().name() + " (" + status.ref().type() + ")")));
    }

    // ---- helpers ----

    private ProviderStatus requireProvider(RoutingContext ctx) {
        String type = ctx.pathParam("type");
        String uid = ctx.pathParam("uid");
        return inventory.provider(uid)
                .filter(s -> s.ref().type().equals(type))
                .orElseThrow(() -> new NotFoundException("provider " + type + "/" + uid + " not found"));
    }

    private static Map<String, Object> providerJson(ProviderStatus status, ListQuery query) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uid", status.ref().uid());
        out.put("namespace", status.ref().namespace());
        out.put("name", status.ref().name());
        out.put("type", status.ref().type());
        out.put("selfLink", selfLink(status));
        if (query.full()) {
            out.put("revision", status.revision());
            out.put("phase", status.phase().name().charAt(0) + status.phase().name().substring(1).toLowerCase(Locale.ROOT));
            if (status.failure() != null) {
                out.put("reason", status.failure());
            }
            // MTV's counters (vmCount, networkCount, ...) and the generic map they come from.
            status.counts().forEach((collection, n) -> out.put(singular(collection) + "Count", n));
            out.put("counts", status.counts());
        }
        return out;
    }

    private static String singular(String collection) {
        if (collection.endsWith("sses") || collection.endsWith("ches") || collection.endsWith("shes")) {
            return collection.substring(0, collection.length() - 2);
        }
        return collection.endsWith("s") ? collection.substring(0, collection.length() - 1) : collection;
    }

    private static String selfLink(ProviderStatus status) {
        return "providers/" + status.ref().type() + "/" + status.ref().uid();
    }

    private static Map<String, Object> withSelfLink(Map<String, Object> doc, String selfLink) {
        doc.put("selfLink", selfLink);
        return doc;
    }

    private static <T> List<T> page(List<T> all, ListQuery query) {
        int from = (int) Math.min(all.size(), (long) query.offset());
        int to = (int) Math.min(all.size(), (long) from + query.limit());
        return all.subList(from, to);
    }

    private void answer(RoutingContext ctx, Function<RoutingContext, Answer> handler) {
        ctx.vertx().executeBlocking(() -> {
            Answer answer;
            try {
                answer = handler.apply(ctx);
            } catch (ListQuery.BadQueryException e) {
                answer = Answer.error(400, "BadRequest", e.getMessage());
            } catch (NotFoundException e) {
                answer = Answer.error(404, "NotFound", e.getMessage());
            }
            return new Rendered(answer.status(), encode(answer.body()));
        }, false).onComplete(result -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                return;
            }
            if (result.failed()) {
                ctx.fail(result.cause());
                return;
            }
            ctx.response().setStatusCode(result.result().status())
                    .putHeader("Content-Type", "application/json")
                    .end(result.result().body());
        });
    }

    private Buffer encode(Object body) {
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inventory answer cannot be serialized: " + e.getOriginalMessage(), e);
        }
    }

    private record Answer(int status, Object body) {
        static Answer ok(Object body) {
            return new Answer(200, body);
        }

        /** 206 until the provider's first full collection completed, as MTV's inventory does. */
        static Answer of(ProviderStatus status, Object body) {
            return new Answer(status.synced() ? 200 : PARTIAL, body);
        }

        /** A Kubernetes-style Status body, like the rest of the API. */
        static Answer error(int code, String reason, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", "Status");
            body.put("apiVersion", "v1");
            body.put("status", "Failure");
            body.put("message", message);
            body.put("reason", reason);
            body.put("code", code);
            return new Answer(code, body);
        }
    }

    private record Rendered(int status, Buffer body) {}

    private static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }
}
