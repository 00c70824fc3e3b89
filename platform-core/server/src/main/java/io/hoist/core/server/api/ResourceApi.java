package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Admission;
import io.hoist.core.model.admission.Cause;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.RequestBodies;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The Kubernetes-style resource API over {@link ResourceStore}: list, get, create, replace, merge
 * patch, delete and watch for every {@link ResourceKind}, under the same URLs kubectl and MTV use.
 * Parsing, admission and every store call run on the worker pool: a large YAML body costs SnakeYAML seconds
 * (its scanner is quadratic in a scalar's length), which must never stall the event loop other requests share.
 * The body size limit is applied before, by the body handler.
 */
public final class ResourceApi {
    public static final String FORKLIFT = "/apis/forklift.konveyor.io/v1beta1";
    public static final String CORE = "/api/v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATCH_RETRIES = 20; // enough for dozens of concurrent patchers of one object
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final Vertx vertx;
    private final ResourceStore store;
    private final Admission admission;
    private final SecureRandom random = new SecureRandom();
    private static final int YAML_PARSERS = 2;
    private final io.vertx.core.WorkerExecutor yamlParsers;

    public ResourceApi(Vertx vertx, ResourceStore store, Admission admission) {
        this.vertx = vertx;
        this.store = store;
        this.admission = admission;
        this.yamlParsers = vertx.createSharedWorkerExecutor("hoist-yaml-parser", YAML_PARSERS);
    }

    /** Registers the routes; the caller has already added auth, body and error handling. */
    public void addRoutes(Router router) {
        for (String base : List.of(FORKLIFT, CORE)) {
            String collection = base + "/namespaces/:namespace/:plural";
            String item = collection + "/:name";
            router.get(collection).handler(this::list);
            router.post(collection).handler(this::create);
            router.get(item).handler(this::get);
            router.put(item).handler(this::replace);
            router.patch(item).handler(this::patch);
            router.delete(item).handler(this::delete);
        }
        router.get(FORKLIFT + "/:plural").handler(this::list);
        // other components serve their own /api/v1/<name> (plugins, …): only the core kinds are taken here
        router.get(CORE + "/:plural").handler(ctx -> {
            if (ResourceKind.byPlural(ctx.pathParam("plural")).filter(k -> k.group().isEmpty()).isPresent()) {
                list(ctx);
            } else {
                ctx.next();
            }
        });
        // events.k8s.io/v1: the same stored Events in their newer shape, read-only
        router.get(EventsV1.BASE + "/namespaces/:namespace/:plural").handler(this::list);
        router.get(EventsV1.BASE + "/namespaces/:namespace/:plural/:name").handler(this::get);
        router.get(EventsV1.BASE + "/:plural").handler(this::list);

        String status = FORKLIFT + "/namespaces/:namespace/:plural/:name/status";
        router.get(status).handler(this::get);
        router.put(status).handler(this::replaceStatus);
        router.patch(status).handler(this::patchStatus);
    }

    // ---- handlers ----

    private void list(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ctx.pathParam("namespace") == null ? null : ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        UnaryOperator<ObjectNode> view = view(ctx, kind);
        Predicate<JsonNode> selected = Selectors.parse(ctx.queryParams().get("labelSelector"),
                ctx.queryParams().get("fieldSelector"));
        String watch = ctx.queryParams().get("watch");
        if ("true".equals(watch) || "1".equals(watch)) {
            WatchStream.start(ctx, vertx, store, kind, ns, selected, view);
            return;
        }
        blocking(ctx, () -> {
            long version = store.currentVersion(); // before the list: a watch from here may repeat, never miss
            ObjectNode list = JSON.createObjectNode();
            list.put("apiVersion", isEventsV1(ctx) ? EventsV1.GROUP_VERSION : kind.apiVersion());
            list.put("kind", kind.kind() + "List");
            list.putObject("metadata").put("resourceVersion", Long.toString(version));
            ArrayNode items = list.putArray("items");
            for (ObjectNode o : store.list(kind, ns)) {
                if (selected.test(o)) {
                    items.add(view.apply(o));
                }
            }
            return list;
        }, 200);
    }

    private void get(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        UnaryOperator<ObjectNode> view = view(ctx, kind);
        blocking(ctx, () -> view.apply(existing(kind, ns, name)), 200);
    }

    private void create(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        RequestBodies.Format format = RequestBodies.formatOf(ctx.request().getHeader("Content-Type"));
        withBody(ctx, format, obj -> {
            ObjectNode meta = ObjectRules.checkEnvelope(kind, obj, ns);
            String rv = ObjectRules.textOrNull(meta, "resourceVersion");
            if (rv != null && !rv.isEmpty()) {
                throw ObjectRules.invalid(kind, null, List.of(Cause.forbidden("metadata.resourceVersion",
                        "must not be set on create")));
            }
            String generateName = ObjectRules.textOrNull(meta, "generateName");
            String name = ObjectRules.textOrNull(meta, "name");
            if ((name == null || name.isEmpty()) && generateName != null && !generateName.isEmpty()) {
                meta.put("name", generateName + randomSuffix());
            }
            ObjectRules.checkName(kind, meta);
            normalizeSecret(kind, obj, null);
            ObjectNode admitted = admission.admit(kind, obj, null);
            return SecretData.redact(kind, store.create(kind, admitted));
        }, 201);
    }

    private void replace(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        RequestBodies.Format format = RequestBodies.formatOf(ctx.request().getHeader("Content-Type"));
        withBody(ctx, format, obj -> {
            requireSameName(ObjectRules.checkEnvelope(kind, obj, ns), name);
            ObjectNode existing = existing(kind, ns, name);
            normalizeSecret(kind, obj, existing);
            return SecretData.redact(kind, store.update(kind, admission.admit(kind, obj, existing)));
        }, 200);
    }

    private void patch(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        // Built-in kinds are string maps, where kubectl's strategic merge patch means a merge patch.
        boolean builtIn = kind.group().isEmpty();
        RequestBodies.requireMergePatch(ctx.request().getHeader("Content-Type"), builtIn);
        blocking(ctx, () -> {
            ObjectNode patch = RequestBodies.objectBody(ctx, RequestBodies.Format.JSON);
            if (builtIn) {
                RequestBodies.requireNoPatchDirectives(patch, "");
            }
            return withRetry(patch, () -> {
            ObjectNode existing = existing(kind, ns, name);
            ObjectNode merged = merge(kind, existing, patch, ns, name);
            normalizeSecret(kind, merged, existing);
            return SecretData.redact(kind, store.update(kind, admission.admit(kind, merged, existing)));
            });
        }, 200);
    }

    private void replaceStatus(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        RequestBodies.Format format = RequestBodies.formatOf(ctx.request().getHeader("Content-Type"));
        withBody(ctx, format, obj -> {
            requireSameName(ObjectRules.checkEnvelope(kind, obj, ns), name);
            // the status carried by this body, on the stored object: what the schema sees is what would be stored
            ObjectNode candidate = existing(kind, ns, name).deepCopy();
            if (obj.has("status")) {
                candidate.set("status", obj.get("status"));
            } else {
                candidate.remove("status");
            }
            ObjectNode admitted = admission.admitStatus(kind, candidate);
            if (admitted.has("status")) {
                obj.set("status", admitted.get("status"));
            }
            return store.updateStatus(kind, obj);
        }, 200);
    }

    private void patchStatus(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        RequestBodies.requireMergePatch(ctx.request().getHeader("Content-Type"));
        blocking(ctx, () -> {
            ObjectNode patch = RequestBodies.objectBody(ctx, RequestBodies.Format.JSON);
            return withRetry(patch, () -> store.updateStatus(kind,
                    admission.admitStatus(kind, merge(kind, existing(kind, ns, name), patch, ns, name))));
        }, 200);
    }

    private void delete(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        blocking(ctx, () -> {
            try {
                admission.admitDelete(kind, existing(kind, ns, name));
            } catch (StoreException.Unreadable unreadable) {
                // nothing can be checked on an object that cannot be read; deleting it is how it is cleared
            }
            Optional<ObjectNode> deleted = store.delete(kind, ns, name);
            return SecretData.redact(kind, deleted.orElseThrow(() -> notFound(kind, name)));
        }, 200);
    }

    // ---- helpers ----

    private static boolean isEventsV1(RoutingContext ctx) {
        return ctx.normalizedPath().startsWith(EventsV1.BASE + "/");
    }

    /** What a client sees of a stored object: secrets redacted, Events in the shape of the URL's group. */
    private static UnaryOperator<ObjectNode> view(RoutingContext ctx, ResourceKind kind) {
        return isEventsV1(ctx) ? EventsV1::fromCore : o -> SecretData.redact(kind, o);
    }

    private static void requireWritable(ResourceKind kind) {
        if (!kind.userWritable()) {
            throw new ApiException(405, "MethodNotAllowed", kind.plural() + " are written by the platform only:"
                    + " they can be listed, read and watched, not created, changed or deleted");
        }
    }

    private ResourceKind kind(RoutingContext ctx) {
        String plural = ctx.pathParam("plural");
        if (isEventsV1(ctx)) {
            return ResourceKind.EVENT.plural().equals(plural) ? ResourceKind.EVENT
                    : throwNotFound("the server could not find the requested resource (only events under " + EventsV1.BASE + ")");
        }
        boolean core = ctx.normalizedPath().startsWith(CORE + "/");
        return ResourceKind.byPlural(plural)
                .filter(k -> k.group().isEmpty() == core)
                .orElseThrow(() -> ApiException.notFound("the server could not find the requested resource"
                        + " (unknown resource type under " + (core ? CORE : FORKLIFT) + ")"));
    }

    private static ResourceKind throwNotFound(String message) {
        throw ApiException.notFound(message);
    }

    private ObjectNode existing(ResourceKind kind, String ns, String name) {
        return store.get(kind, ns, name).orElseThrow(() -> notFound(kind, name));
    }

    private static StoreException.NotFound notFound(ResourceKind kind, String name) {
        return new StoreException.NotFound(kind.plural() + " \"" + name + "\" not found");
    }

    private static void requireSameName(ObjectNode meta, String urlName) {
        String bodyName = ObjectRules.textOrNull(meta, "name");
        if (bodyName == null || bodyName.isEmpty()) {
            meta.put("name", urlName);
        } else if (!bodyName.equals(urlName)) {
            throw ApiException.badRequest("the name of the object does not match the name in the URL");
        }
    }

    /** Applies a merge patch; the result must still be the same object (kind, namespace, name). */
    private static ObjectNode merge(ResourceKind kind, ObjectNode existing, ObjectNode patch, String ns, String name) {
        JsonNode merged = MergePatch.apply(existing, patch);
        if (!merged.isObject()) {
            throw ApiException.badRequest("the patched object is not an object");
        }
        ObjectNode obj = (ObjectNode) merged;
        ObjectNode meta = ObjectRules.checkEnvelope(kind, obj, ns);
        requireSameName(meta, name);
        if (!patch.path("metadata").has("resourceVersion")) {
            // Patches are unconditional unless they carry a resourceVersion: pin the version we read so a
            // concurrent write makes this attempt conflict and retry on fresh data.
            meta.set("resourceVersion", existing.path("metadata").get("resourceVersion"));
        }
        return obj;
    }

    /** Retries an unconditional patch that lost a race; a patch with a resourceVersion fails at once. */
    private static ObjectNode withRetry(ObjectNode patch, Callable<ObjectNode> attempt) throws Exception {
        boolean conditional = patch.path("metadata").has("resourceVersion");
        for (int i = 0; ; i++) {
            try {
                return attempt.call();
            } catch (StoreException.Conflict c) {
                if (conditional || i >= PATCH_RETRIES) {
                    throw c;
                }
            }
        }
    }

    private static void normalizeSecret(ResourceKind kind, ObjectNode obj, ObjectNode existing) {
        if (kind == ResourceKind.SECRET) {
            List<Cause> causes = SecretData.normalize(obj, existing);
            if (!causes.isEmpty()) {
                throw ObjectRules.invalid(kind, ObjectRules.textOrNull((ObjectNode) obj.get("metadata"), "name"), causes);
            }
        }
    }

    private String randomSuffix() {
        StringBuilder sb = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return sb.toString();
    }

    @FunctionalInterface
    private interface BodyWork {
        ObjectNode run(ObjectNode body) throws Exception;
    }

    /**
     * Parses the body, then runs {@code work} as {@link #blocking} does. YAML is parsed on a pool of its own
     * ({@link #YAML_PARSERS} threads): SnakeYAML takes seconds on a large scalar, and a burst of such bodies must
     * not take every worker thread the store and admission need.
     */
    private void withBody(RoutingContext ctx, RequestBodies.Format format, BodyWork work, int status) {
        if (format != RequestBodies.Format.YAML) {
            blocking(ctx, () -> work.run(RequestBodies.objectBody(ctx, format)), status);
            return;
        }
        yamlParsers.executeBlocking(() -> RequestBodies.objectBody(ctx, format), false)
                .onSuccess(body -> blocking(ctx, () -> work.run(body), status))
                .onFailure(ctx::fail);
    }

    /** Runs store/admission work on the worker pool and answers with its JSON, or fails the context. */
    private void blocking(RoutingContext ctx, Callable<ObjectNode> work, int status) {
        Future<ObjectNode> f = vertx.executeBlocking(work, false);
        f.onSuccess(body -> {
            if (!ctx.response().ended() && !ctx.response().closed()) { // the client may have gone
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
            }
        }).onFailure(ctx::fail);
    }
}
