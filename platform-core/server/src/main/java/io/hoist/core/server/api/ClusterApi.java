package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.RequestBodies;
import io.hoist.core.store.ResourceStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The cluster surface kubectl touches besides resources: health ({@code /healthz}, {@code /livez},
 * {@code /readyz}, anonymous as on a cluster, where they are public) and {@code SelfSubjectAccessReview}, which
 * answers {@code kubectl auth can-i}: the one token may do every verb on every resource Hoist serves, except
 * writing Events (the platform's own) and any verb on what Hoist does not serve.
 */
public final class ClusterApi {
    static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> READ = List.of("get", "list", "watch");

    private final Vertx vertx;
    private final ResourceStore store;
    private final NamespaceRegistry namespaces;

    public ClusterApi(Vertx vertx, ResourceStore store, NamespaceRegistry namespaces) {
        this.vertx = vertx;
        this.store = store;
        this.namespaces = namespaces;
    }

    /** Health routes: registered before authentication. */
    public void addPublicRoutes(Router router) {
        router.get("/healthz").handler(ctx -> ok(ctx, "healthz"));
        router.get("/livez").handler(ctx -> ok(ctx, "livez"));
        router.get("/readyz").handler(this::ready);
    }

    public void addRoutes(Router router) {
        router.post(REVIEWS).handler(this::review);
        router.get(ResourceApi.CORE + "/namespaces").handler(this::namespaces);
        router.post(ResourceApi.CORE + "/namespaces").handler(this::createNamespace);
        router.get(ResourceApi.CORE + "/namespaces/:namespace").handler(this::namespace);
        router.patch(ResourceApi.CORE + "/namespaces/:namespace").handler(this::patchNamespace);
        router.delete(ResourceApi.CORE + "/namespaces/:namespace").handler(this::deleteNamespace);
    }

    /** Namespaces: see {@link NamespaceRegistry}. */
    private void namespaces(RoutingContext ctx) {
        vertx.executeBlocking(() -> {
            long version = store.currentVersion();
            ObjectNode list = JSON.createObjectNode();
            list.put("apiVersion", "v1");
            list.put("kind", "NamespaceList");
            list.putObject("metadata").put("resourceVersion", Long.toString(version));
            var items = list.putArray("items");
            namespaces.all().values().forEach(items::add);
            return list;
        }, false).onSuccess(body -> send(ctx, 200, body)).onFailure(ctx::fail);
    }

    private void namespace(RoutingContext ctx) {
        String name = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        vertx.executeBlocking(() -> namespaces.get(name), false)
                .onSuccess(body -> send(ctx, 200, body)).onFailure(ctx::fail);
    }

    private void createNamespace(RoutingContext ctx) {
        boolean dryRun = DryRun.requested(ctx);
        ObjectNode body = RequestBodies.objectBody(ctx, RequestBodies.formatOf(ctx.request().getHeader("Content-Type")));
        if (!"Namespace".equals(body.path("kind").asText("Namespace")) || !"v1".equals(body.path("apiVersion").asText("v1"))) {
            throw ApiException.badRequest("the body must be a v1 Namespace");
        }
        String name = body.path("metadata").path("name").asText("");
        if (!ObjectRules.isNamespace(name)) {
            throw ApiException.invalid("Namespace \"" + io.hoist.core.model.Echo.abbreviate(name) + "\" is invalid: metadata.name:"
                    + " Invalid value: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-',"
                    + " and must start and end with an alphanumeric character (at most 63 characters)",
                    List.of(io.hoist.core.model.admission.Cause.invalid("metadata.name",
                            "a lowercase RFC 1123 label (a-z, 0-9, '-'; at most 63 characters)")));
        }
        JsonNode labels = body.path("metadata").get("labels");
        JsonNode annotations = body.path("metadata").get("annotations");
        vertx.executeBlocking(() -> namespaces.create(name, labels, annotations, dryRun), false)
                .onSuccess(ns -> send(ctx, 201, ns)).onFailure(ctx::fail);
    }

    /**
     * A merge patch (kubectl's strategic merge patch means the same on these string maps) of a namespace's labels
     * and annotations, which is what {@code kubectl apply} of a changed Namespace manifest and {@code kubectl label}
     * send; anything else in it (spec, status) is refused, since Hoist keeps nothing else of a namespace.
     */
    private void patchNamespace(RoutingContext ctx) {
        String name = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        boolean dryRun = DryRun.requested(ctx);
        RequestBodies.PatchType type = RequestBodies.patchType(ctx.request().getHeader("Content-Type"), true);
        if (type != RequestBodies.PatchType.MERGE) {
            throw ApiException.unsupportedMediaType("namespaces take a merge patch of metadata.labels and metadata.annotations");
        }
        ObjectNode patch = RequestBodies.objectBody(ctx, RequestBodies.Format.JSON);
        RequestBodies.requireNoPatchDirectives(patch, "");
        vertx.executeBlocking(() -> namespaces.patchMetadata(name, patch, dryRun), false)
                .onSuccess(ns -> send(ctx, 200, ns)).onFailure(ctx::fail);
    }

    private void deleteNamespace(RoutingContext ctx) {
        String name = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        boolean dryRun = DryRun.requested(ctx);
        vertx.executeBlocking(() -> namespaces.delete(name, dryRun), false)
                .onSuccess(ns -> send(ctx, 200, ns)).onFailure(ctx::fail);
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
        }
    }

    private static void ok(RoutingContext ctx, String check) {
        boolean verbose = ctx.queryParams().contains("verbose");
        ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(verbose ? "[+]ping ok\n" + check + " check passed\n" : "ok");
    }

    /** Ready when the store answers; a store that cannot be read makes every request fail, so it is not ready. */
    private void ready(RoutingContext ctx) {
        vertx.executeBlocking(store::currentVersion, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ok(ctx, "readyz");
            } else {
                ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("[-]store failed: reason withheld\nreadyz check failed\n");
            }
        });
    }

    private void review(RoutingContext ctx) {
        ObjectNode body = RequestBodies.objectBody(ctx, RequestBodies.Format.JSON);
        JsonNode attrs = body.path("spec").path("resourceAttributes");
        if (!attrs.isObject()) {
            throw ApiException.invalid("SelfSubjectAccessReview is invalid: spec.resourceAttributes: Required value",
                    List.of(io.hoist.core.model.admission.Cause.required("spec.resourceAttributes",
                            "Required value (non-resource URLs are not reviewed)")));
        }
        String verb = attrs.path("verb").asText("");
        String group = attrs.path("group").asText("");
        String resource = attrs.path("resource").asText("");
        String subresource = attrs.path("subresource").asText("");
        Optional<ResourceKind> kind = ResourceKind.byPlural(resource)
                .filter(k -> k.group().equals(group) || (k == ResourceKind.EVENT && group.equals("events.k8s.io")));
        boolean allowed;
        String reason;
        if (kind.isEmpty() && group.isEmpty() && resource.equals("namespaces") && subresource.isEmpty()) {
            allowed = List.of("create", "delete", "get", "list").contains(verb);
            reason = allowed ? "the API token may do everything on the resources hoist serves"
                    : "hoist does not " + verb + " namespaces";
        } else if (kind.isEmpty()) {
            allowed = false;
            reason = "hoist does not serve " + (group.isEmpty() ? "" : group + "/") + resource;
        } else if (!kind.get().userWritable() && !READ.contains(verb)) {
            allowed = false;
            reason = resource + " are written by the platform only";
        } else if (!subresource.isEmpty() && !(subresource.equals("status") && !kind.get().group().isEmpty())) {
            allowed = false;
            reason = "hoist does not serve " + resource + "/" + subresource;
        } else {
            allowed = true;
            reason = "the API token may do everything on the resources hoist serves";
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("apiVersion", "authorization.k8s.io/v1");
        out.put("kind", "SelfSubjectAccessReview");
        out.putObject("metadata");
        out.set("spec", body.path("spec").deepCopy());
        ObjectNode status = out.putObject("status");
        status.put("allowed", allowed);
        if (!allowed) {
            status.put("denied", true);
        }
        status.put("reason", reason);
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(out.toString());
    }
}
