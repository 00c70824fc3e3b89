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
    private final NamespaceRegistry namespaces;
    private final SecureRandom random = new SecureRandom();
    private static final int YAML_PARSERS = 2;
    private final io.vertx.core.WorkerExecutor yamlParsers;

    public ResourceApi(Vertx vertx, ResourceStore store, Admission admission, NamespaceRegistry namespaces) {
        this.vertx = vertx;
        this.store = store;
        this.admission = admission;
        this.namespaces = namespaces;
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
        boolean table = !isEventsV1(ctx) && Tables.requested(ctx.request().getHeader("Accept"));
        if ("true".equals(watch) || "1".equals(watch)) {
            // kubectl get -w asks for Tables: each event then carries a one-row Table, as the API server sends
            String includeObject = ctx.queryParams().get("includeObject");
            WatchStream.start(ctx, vertx, store, kind, ns, selected,
                    table ? o -> Tables.table(kind, List.of(view.apply(o)), null, includeObject) : view);
            return;
        }
        blocking(ctx, () -> {
            long version = store.currentVersion(); // before the list: a watch from here may repeat, never miss
            ObjectNode list = JSON.createObjectNode();
            list.put("apiVersion", isEventsV1(ctx) ? EventsV1.GROUP_VERSION : kind.apiVersion());
            list.put("kind", kind.kind() + "List");
            list.putObject("metadata").put("resourceVersion", Long.toString(version));
            ArrayNode items = list.putArray("items");
            List<ObjectNode> shown = new java.util.ArrayList<>();
            for (ObjectNode o : store.list(kind, ns)) {
                if (selected.test(o)) {
                    shown.add(view.apply(o));
                }
            }
            if (table) {
                return Tables.table(kind, shown, Long.toString(version), ctx.queryParams().get("includeObject"));
            }
            shown.forEach(items::add);
            return list;
        }, 200);
    }

    private void get(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        UnaryOperator<ObjectNode> view = view(ctx, kind);
        boolean table = !isEventsV1(ctx) && Tables.requested(ctx.request().getHeader("Accept"));
        blocking(ctx, () -> {
            ObjectNode o = view.apply(existing(kind, ns, name));
            return table ? Tables.table(kind, List.of(o), null, ctx.queryParams().get("includeObject")) : o;
        }, 200);
    }

    private void create(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        boolean dryRun = DryRun.requested(ctx);
        FieldValidation fields = FieldValidation.of(ctx);
        RequestBodies.Format format = RequestBodies.formatOf(ctx.request().getHeader("Content-Type"));
        withBody(ctx, format, obj -> namespaces.writeIn(ns, () -> {
            ObjectNode meta = ObjectRules.checkEnvelope(kind, obj, ns);
            fields.prune(kind, obj);
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
            ObjectNode admitted = admitCreate(kind, obj, ObjectRules.nameCauses(meta));
            return SecretData.redact(kind, dryRun ? DryRun.create(store, kind, admitted) : store.create(kind, admitted));
        }), 201);
    }

    private void replace(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        boolean dryRun = DryRun.requested(ctx);
        FieldValidation fields = FieldValidation.of(ctx);
        RequestBodies.Format format = RequestBodies.formatOf(ctx.request().getHeader("Content-Type"));
        withBody(ctx, format, obj -> namespaces.writeIn(ns, () -> {
            requireSameName(ObjectRules.checkEnvelope(kind, obj, ns), name);
            fields.prune(kind, obj);
            ObjectNode existing = existing(kind, ns, name);
            normalizeSecret(kind, obj, existing);
            return SecretData.redact(kind, update(kind, admission.admit(kind, obj, existing), existing, dryRun));
        }), 200);
    }

    private void patch(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        // Built-in kinds are string maps, where kubectl's strategic merge patch means a merge patch.
        boolean builtIn = kind.group().isEmpty();
        boolean dryRun = DryRun.requested(ctx);
        RequestBodies.PatchType type = RequestBodies.patchType(ctx.request().getHeader("Content-Type"), builtIn);
        FieldValidation fields = FieldValidation.of(ctx);
        blocking(ctx, () -> {
            Patch patch = Patch.read(ctx, type, builtIn);
            return withRetry(patch.conditional(), () -> namespaces.writeIn(ns, () -> {
                ObjectNode existing = existing(kind, ns, name);
                ObjectNode merged = patched(kind, existing, patch, ns, name);
                fields.prune(kind, merged);
                normalizeSecret(kind, merged, existing);
                return SecretData.redact(kind, update(kind, admission.admit(kind, merged, existing), existing, dryRun));
            }));
        }, 200);
    }

    /** A parsed patch body: a merge patch (object) or a JSON patch (array of operations). */
    private record Patch(RequestBodies.PatchType type, JsonNode body) {
        static Patch read(RoutingContext ctx, RequestBodies.PatchType type, boolean builtIn) {
            if (type == RequestBodies.PatchType.JSON_PATCH) {
                return new Patch(type, RequestBodies.arrayBody(ctx));
            }
            ObjectNode body = RequestBodies.objectBody(ctx, RequestBodies.Format.JSON);
            if (builtIn) {
                RequestBodies.requireNoPatchDirectives(body, "");
            }
            return new Patch(type, body);
        }

        /** A patch that names a resourceVersion fails on conflict instead of being retried on fresh data. */
        boolean conditional() {
            if (type == RequestBodies.PatchType.MERGE) {
                return body.path("metadata").has("resourceVersion");
            }
            for (JsonNode op : body) {
                if (op.path("path").asText("").startsWith("/metadata/resourceVersion")) {
                    return true;
                }
            }
            return false;
        }

        JsonNode applyTo(ObjectNode existing) {
            return type == RequestBodies.PatchType.JSON_PATCH
                    ? JsonPatch.apply(existing, (ArrayNode) body) : MergePatch.apply(existing, body);
        }
    }

    private void replaceStatus(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        boolean dryRun = DryRun.requested(ctx);
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
            return dryRun ? DryRun.update(store, kind, obj, true) : store.updateStatus(kind, obj);
        }, 200);
    }

    private void patchStatus(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        boolean dryRun = DryRun.requested(ctx);
        RequestBodies.PatchType type = RequestBodies.patchType(ctx.request().getHeader("Content-Type"), false);
        blocking(ctx, () -> {
            Patch patch = Patch.read(ctx, type, false);
            return withRetry(patch.conditional(), () -> {
                ObjectNode admitted = admission.admitStatus(kind, patched(kind, existing(kind, ns, name), patch, ns, name));
                return dryRun ? DryRun.update(store, kind, admitted, true) : store.updateStatus(kind, admitted);
            });
        }, 200);
    }

    private void delete(RoutingContext ctx) {
        ResourceKind kind = kind(ctx);
        requireWritable(kind);
        String ns = ObjectRules.urlNamespace(ctx.pathParam("namespace"));
        String name = ObjectRules.urlName(ctx.pathParam("name"));
        boolean dryRun = DryRun.requested(ctx);
        blocking(ctx, () -> {
            try {
                admission.admitDelete(kind, existing(kind, ns, name));
            } catch (StoreException.Unreadable unreadable) {
                // nothing can be checked on an object that cannot be read; deleting it is how it is cleared
                if (dryRun) {
                    throw unreadable;
                }
            }
            Optional<ObjectNode> deleted = dryRun ? store.get(kind, ns, name) : store.delete(kind, ns, name);
            return SecretData.redact(kind, deleted.orElseThrow(() -> notFound(kind, name)));
        }, 200);
    }

    // ---- helpers ----

    /**
     * Admits a new object with every cause in one answer, as the API server aggregates them: a bad name does not
     * hide the spec's problems.
     */
    private ObjectNode admitCreate(ResourceKind kind, ObjectNode obj, List<Cause> nameCauses) {
        List<Cause> causes = new java.util.ArrayList<>(nameCauses);
        ObjectNode admitted = null;
        try {
            normalizeSecret(kind, obj, null);
            admitted = admission.admit(kind, obj, null);
        } catch (ApiException e) {
            addNew(causes, e.causes());
            if (e.causes().isEmpty()) {
                throw e;
            }
        } catch (io.hoist.core.model.admission.AdmissionException e) {
            addNew(causes, e.causes());
        }
        if (!causes.isEmpty()) {
            String name = ObjectRules.textOrNull((ObjectNode) obj.get("metadata"), "name");
            if (nameCauses.isEmpty() && name != null) { // the Status names the object only when its name is valid
                throw new io.hoist.core.model.admission.AdmissionException(kind.kind(), name, causes);
            }
            throw ObjectRules.invalid(kind, name, causes);
        }
        return admitted;
    }

    /** Adds the causes whose field is not reported yet (the API and admission both check the name). */
    private static void addNew(List<Cause> to, List<Cause> more) {
        for (Cause c : more) {
            if (to.stream().noneMatch(t -> t.field().equals(c.field()))) {
                to.add(c);
            }
        }
    }

    private ObjectNode update(ResourceKind kind, ObjectNode admitted, ObjectNode existing, boolean dryRun) {
        if (dryRun) {
            return DryRun.update(store, kind, admitted, false);
        }
        if (sameObject(admitted, existing)) {
            // nothing to write (kubectl apply of an unchanged Secret, whose values it cannot compare): no new
            // resourceVersion, no watch event, so providers are not rebuilt for a Secret that did not change
            return existing;
        }
        ObjectNode stored = store.update(kind, admitted);
        // A Hook's conditions come from admission (they follow from its spec); a spec write keeps the stored status,
        // so a changed one is written after it, as a controller would.
        JsonNode computed = admitted.get("status");
        if (kind == ResourceKind.HOOK && computed != null && !computed.equals(stored.get("status"))) {
            ObjectNode withStatus = stored.deepCopy();
            withStatus.set("status", computed);
            try {
                stored = store.updateStatus(kind, withStatus);
            } catch (StoreException.Conflict raced) {
                // another write came in between: it was admitted too and carries its own conditions
            }
        }
        return stored;
    }

    /**
     * The write would store what is stored: equal but for the server-kept metadata. A write naming another
     * resourceVersion is never "the same": it goes to the store, which answers 409.
     */
    private static boolean sameObject(ObjectNode admitted, ObjectNode existing) {
        String rv = admitted.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(existing.path("metadata").path("resourceVersion").asText())) {
            return false;
        }
        return withoutServerFields(admitted).equals(withoutServerFields(existing));
    }

    private static ObjectNode withoutServerFields(ObjectNode o) {
        ObjectNode copy = o.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            for (String f : List.of("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp", "namespace")) {
                meta.remove(f);
            }
        }
        return copy;
    }

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

    /** Applies a patch; the result must still be the same object (kind, namespace, name). */
    private static ObjectNode patched(ResourceKind kind, ObjectNode existing, Patch patch, String ns, String name) {
        JsonNode merged = patch.applyTo(existing);
        if (!merged.isObject()) {
            throw ApiException.badRequest("the patched object is not an object");
        }
        ObjectNode obj = (ObjectNode) merged;
        ObjectNode meta = ObjectRules.checkEnvelope(kind, obj, ns);
        requireSameName(meta, name);
        if (!patch.conditional()) {
            // Patches are unconditional unless they carry a resourceVersion: pin the version we read so a
            // concurrent write makes this attempt conflict and retry on fresh data.
            meta.set("resourceVersion", existing.path("metadata").get("resourceVersion"));
        }
        return obj;
    }

    /** Retries an unconditional patch that lost a race; a patch with a resourceVersion fails at once. */
    private static ObjectNode withRetry(boolean conditional, Callable<ObjectNode> attempt) throws Exception {
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
                FieldValidation.warningsOf(ctx).forEach(w -> ctx.response().headers().add("Warning", w));
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
            }
        }).onFailure(ctx::fail);
    }
}
