package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.schema.CrdSchemas;
import io.hoist.core.server.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Kubernetes OpenAPI documents kubectl reads: {@code /openapi/v3} (an index of group-versions) with one
 * OpenAPI 3.0 document per group-version ({@code /openapi/v3/apis/forklift.konveyor.io/v1beta1},
 * {@code /openapi/v3/api/v1}), and {@code /openapi/v2} (Swagger 2.0, JSON). The schemas are MTV's CRD schemas as
 * they are (descriptions included, so {@code kubectl explain plan.spec.vms} explains), the core kinds Hoist serves
 * in the shape the API server gives them. Every PATCH operation names the {@code fieldValidation} parameter: that is
 * how kubectl decides the server validates fields itself, so {@code kubectl apply} sends {@code fieldValidation=Strict}
 * and an unknown field is an error instead of a silently pruned one.
 *
 * <p>kubectl asks for {@code /openapi/v2} in protobuf only; Hoist answers that request with 406 (kubectl then relies
 * on v3, as it does on a cluster without v2) and serves v2 as JSON to clients that accept JSON.
 */
public final class KubeOpenApi {
    static final String V2 = "/openapi/v2";
    static final String V3 = "/openapi/v3";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static final String OBJECT_META = META + "ObjectMeta";
    private static final String PATCH = META + "Patch";
    private static final String STATUS = META + "Status";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One published group-version: its path in the v3 index, its kinds. */
    private record GroupVersion(String path, String group, String version, List<ResourceKind> kinds, boolean namespaces) {}

    /** The documents, rendered once (the plan CRD alone is thousands of lines) on a worker thread. */
    private record Documents(Map<String, byte[]> v3ByPath, Map<String, String> v3Hash, byte[] v3Index, byte[] v2) {}

    private final Vertx vertx;
    private volatile Future<Documents> documents;

    public KubeOpenApi(Vertx vertx) {
        this.vertx = vertx;
    }

    public void addRoutes(Router router) {
        router.get(V3).handler(ctx -> withDocuments(ctx, d -> send(ctx, d.v3Index(), "application/json", false)));
        router.get(V3 + "/api/:version").handler(this::groupVersion);
        router.get(V3 + "/apis/:group/:version").handler(this::groupVersion);
        router.get(V2).handler(this::v2);
    }

    private void groupVersion(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        String path = (group == null ? "api/" : "apis/" + group + "/") + ctx.pathParam("version");
        withDocuments(ctx, d -> {
            byte[] doc = d.v3ByPath().get(path);
            if (doc == null) {
                ctx.fail(ApiException.notFound("the server could not find the requested resource (no OpenAPI document for "
                        + io.hoist.core.model.Echo.abbreviate(path) + "; see " + V3 + ")"));
                return;
            }
            // the index links each document with its hash: a client holding that URL may cache it for good
            boolean immutable = d.v3Hash().get(path).equals(ctx.queryParams().get("hash"));
            send(ctx, doc, "application/json", immutable);
        });
    }

    private void v2(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("protobuf") && !accept.contains("json") && !accept.contains("*/*")) {
            ctx.fail(new ApiException(406, "NotAcceptable", "only application/json is served at " + V2
                    + " (the protobuf encoding is not; " + V3 + " has the same schemas)"));
            return;
        }
        withDocuments(ctx, d -> send(ctx, d.v2(), "application/json", false));
    }

    private void withDocuments(RoutingContext ctx, java.util.function.Consumer<Documents> then) {
        Future<Documents> f = documents;
        if (f == null) {
            synchronized (this) {
                if (documents == null) {
                    documents = vertx.executeBlocking(KubeOpenApi::render, false);
                }
                f = documents;
            }
        }
        f.onSuccess(then::accept).onFailure(ctx::fail);
    }

    private static void send(RoutingContext ctx, byte[] body, String type, boolean immutable) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().putHeader("Content-Type", type)
                .putHeader("Cache-Control", immutable ? "public, immutable" : "no-cache, private")
                .end(io.vertx.core.buffer.Buffer.buffer(body));
    }

    // ---- rendering ----

    private static List<GroupVersion> groupVersions() {
        Map<String, List<ResourceKind>> byVersion = new LinkedHashMap<>();
        for (ResourceKind k : ResourceKind.values()) {
            byVersion.computeIfAbsent(k.apiVersion(), x -> new ArrayList<>()).add(k);
        }
        List<GroupVersion> out = new ArrayList<>();
        for (Map.Entry<String, List<ResourceKind>> e : byVersion.entrySet()) {
            ResourceKind first = e.getValue().get(0);
            String path = first.group().isEmpty() ? "api/" + first.version() : "apis/" + e.getKey();
            out.add(new GroupVersion(path, first.group(), first.version(), e.getValue(), first.group().isEmpty()));
        }
        return out;
    }

    static Documents render() throws Exception {
        Map<String, byte[]> byPath = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        ObjectNode indexPaths = index.putObject("paths");
        ObjectNode v2 = JSON.createObjectNode();
        v2.put("swagger", "2.0");
        v2.putObject("info").put("title", "Hoist (MTV forklift.konveyor.io and the core kinds it serves)")
                .put("version", io.hoist.core.server.HoistServer.version());
        ObjectNode v2Paths = v2.putObject("paths");
        ObjectNode v2Definitions = v2.putObject("definitions");
        for (GroupVersion gv : groupVersions()) {
            ObjectNode doc = v3Document(gv);
            byte[] bytes = JSON.writeValueAsBytes(doc);
            String hash = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
            byPath.put(gv.path(), bytes);
            hashes.put(gv.path(), hash);
            indexPaths.putObject(gv.path()).put("serverRelativeURL", V3 + "/" + gv.path() + "?hash=" + hash);
            // v2: the same schemas and operations, references rewritten to #/definitions
            doc.path("components").path("schemas").properties().forEach(s -> v2Definitions.set(s.getKey(), toV2(s.getValue())));
            doc.path("paths").properties().forEach(p -> v2Paths.set(p.getKey(), toV2Path((ObjectNode) p.getValue())));
        }
        return new Documents(byPath, hashes, JSON.writeValueAsBytes(index), JSON.writeValueAsBytes(v2));
    }

    private static ObjectNode v3Document(GroupVersion gv) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Hoist").put("version", io.hoist.core.server.HoistServer.version());
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        schemas.set(OBJECT_META, objectMeta());
        schemas.set(PATCH, JSON.createObjectNode().put("type", "object")
                .put("description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."));
        schemas.set(STATUS, JSON.createObjectNode().put("type", "object")
                .put("description", "Status is a return value for calls that don't return other objects."));
        for (ResourceKind k : gv.kinds()) {
            schemas.set(schemaName(k), kindSchema(k));
            String base = "/" + gv.path();
            boolean writable = k.userWritable();
            paths.set(base + "/namespaces/{namespace}/" + k.plural(), collection(k, writable));
            paths.set(base + "/namespaces/{namespace}/" + k.plural() + "/{name}", item(k, writable));
            paths.set(base + "/" + k.plural(), allNamespaces(k));
        }
        if (gv.namespaces()) {
            schemas.set("io.k8s.api.core.v1.Namespace", namespaceSchema());
            ObjectNode list = JSON.createObjectNode();
            list.set("get", operation("listCoreV1Namespace", "list", "", "v1", "Namespace", List.of(), "NamespaceList"));
            list.set("post", operation("createCoreV1Namespace", "post", "", "v1", "Namespace", List.of("dryRun", "fieldValidation"),
                    "io.k8s.api.core.v1.Namespace"));
            paths.set("/api/v1/namespaces", list);
            ObjectNode one = JSON.createObjectNode();
            one.putArray("parameters").add(pathParameter("name"));
            one.set("get", operation("readCoreV1Namespace", "get", "", "v1", "Namespace", List.of(), "io.k8s.api.core.v1.Namespace"));
            // PATCH names fieldValidation: kubectl then leaves validation to the server instead of fetching v2
            one.set("patch", operation("patchCoreV1Namespace", "patch", "", "v1", "Namespace", List.of("dryRun", "fieldValidation"),
                    "io.k8s.api.core.v1.Namespace"));
            one.set("delete", operation("deleteCoreV1Namespace", "delete", "", "v1", "Namespace", List.of("dryRun"), STATUS));
            paths.set("/api/v1/namespaces/{name}", one);
        }
        return doc;
    }

    static String schemaName(ResourceKind k) {
        if (k.group().isEmpty()) {
            return "io.k8s.api.core.v1." + k.kind();
        }
        // the API server names CRD schemas by the group reversed: io.konveyor.forklift.v1beta1.Plan
        List<String> parts = new ArrayList<>(List.of(k.group().split("\\.")));
        java.util.Collections.reverse(parts);
        return String.join(".", parts) + "." + k.version() + "." + k.kind();
    }

    private static ObjectNode kindSchema(ResourceKind k) {
        ObjectNode schema = CrdSchemas.openApiSchema(k).map(s -> (ObjectNode) s).orElseGet(() -> coreSchema(k));
        ObjectNode props = schema.with("properties");
        props.set("metadata", metadataRef("Standard object's metadata. More info: "
                + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"));
        schema.put("type", "object");
        ArrayNode gvk = schema.putArray("x-kubernetes-group-version-kind");
        gvk.addObject().put("group", k.group()).put("kind", k.kind()).put("version", k.version());
        return schema;
    }

    /** The core kinds as the API server describes them (the fields Hoist keeps; see UnknownFields). */
    private static ObjectNode coreSchema(ResourceKind k) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode p = s.putObject("properties");
        p.set("apiVersion", string("APIVersion defines the versioned schema of this representation of an object."));
        p.set("kind", string("Kind is a string value representing the REST resource this object represents."));
        switch (k) {
            case SECRET -> {
                s.put("description", "Secret holds secret data of a certain type. The total bytes of the values in the Data"
                        + " field must be less than MaxSecretSize bytes. Hoist never returns the values.");
                p.set("data", map("byte", "Data contains the secret data: base64-encoded values. Write-only in Hoist:"
                        + " reads show each key with an empty value."));
                p.set("stringData", map(null, "stringData allows specifying non-binary secret data in string form."
                        + " It is merged into the data field on write."));
                p.set("type", string("Used to facilitate programmatic handling of secret data (default Opaque)."));
                p.set("immutable", JSON.createObjectNode().put("type", "boolean")
                        .put("description", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated."));
            }
            case CONFIG_MAP -> {
                s.put("description", "ConfigMap holds configuration data for pods to consume.");
                p.set("data", map(null, "Data contains the configuration data."));
                p.set("binaryData", map("byte", "BinaryData contains the binary data (base64)."));
                p.set("immutable", JSON.createObjectNode().put("type", "boolean")
                        .put("description", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated."));
            }
            case EVENT -> {
                s.put("description", "Event is a report of an event somewhere in the platform. Written by Hoist only.");
                ObjectNode ref = JSON.createObjectNode().put("type", "object")
                        .put("description", "The object that this event is about.");
                ObjectNode refProps = ref.putObject("properties");
                for (String f : List.of("apiVersion", "kind", "name", "namespace", "uid", "resourceVersion", "fieldPath")) {
                    refProps.set(f, string(f + " of the referent."));
                }
                p.set("involvedObject", ref);
                p.set("reason", string("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."));
                p.set("message", string("A human-readable description of the status of this operation."));
                p.set("type", string("Type of this event (Normal, Warning)."));
                p.set("count", JSON.createObjectNode().put("type", "integer").put("format", "int32")
                        .put("description", "The number of times this event has occurred."));
                for (String t : List.of("firstTimestamp", "lastTimestamp", "eventTime")) {
                    p.set(t, string("Time of the event (" + t + ").").put("format", "date-time"));
                }
                p.set("reportingComponent", string("Name of the controller that emitted this Event."));
                p.set("reportingInstance", string("ID of the controller instance."));
                p.set("action", string("What action was taken/failed regarding to the Regarding object."));
                ObjectNode source = JSON.createObjectNode().put("type", "object").put("description", "The component reporting this event.");
                source.putObject("properties").set("component", string("Component from which the event is generated."));
                p.set("source", source);
            }
            default -> s.put("description", k.kind());
        }
        return s;
    }

    private static ObjectNode namespaceSchema() {
        ObjectNode s = JSON.createObjectNode();
        s.put("description", "Namespace provides a scope for Names.");
        s.put("type", "object");
        ObjectNode p = s.putObject("properties");
        p.set("apiVersion", string("APIVersion defines the versioned schema of this representation of an object."));
        p.set("kind", string("Kind is a string value representing the REST resource this object represents."));
        p.set("metadata", metadataRef("Standard object's metadata."));
        ObjectNode status = JSON.createObjectNode().put("type", "object").put("description", "Status describes the current status of a Namespace.");
        status.putObject("properties").set("phase", string("Phase is the current lifecycle phase of the namespace (Active)."));
        p.set("status", status);
        s.putArray("x-kubernetes-group-version-kind").addObject().put("group", "").put("kind", "Namespace").put("version", "v1");
        return s;
    }

    private static ObjectNode objectMeta() {
        ObjectNode s = JSON.createObjectNode();
        s.put("description", "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.");
        s.put("type", "object");
        ObjectNode p = s.putObject("properties");
        p.set("name", string("Name must be unique within a namespace."));
        p.set("generateName", string("GenerateName is an optional prefix, used by the server, to generate a unique name"
                + " ONLY IF the Name field has not been provided."));
        p.set("namespace", string("Namespace defines the space within which each name must be unique."));
        p.set("labels", map(null, "Map of string keys and values that can be used to organize and categorize objects."));
        p.set("annotations", map(null, "Annotations is an unstructured key value map stored with a resource."));
        p.set("uid", string("UID is the unique in time and space value for this object. Set by the server."));
        p.set("resourceVersion", string("An opaque value that represents the internal version of this object. Set by the server."));
        p.set("generation", JSON.createObjectNode().put("type", "integer").put("format", "int64")
                .put("description", "A sequence number representing a specific generation of the desired state."));
        p.set("creationTimestamp", string("Time when this object was created. Set by the server.").put("format", "date-time"));
        p.set("deletionTimestamp", string("Time at which this resource will be deleted.").put("format", "date-time"));
        ObjectNode finalizers = JSON.createObjectNode().put("type", "array")
                .put("description", "Must be empty before the object is deleted from the registry.");
        finalizers.putObject("items").put("type", "string");
        p.set("finalizers", finalizers);
        ObjectNode owners = JSON.createObjectNode().put("type", "array")
                .put("description", "List of objects depended by this object.");
        owners.putObject("items").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        p.set("ownerReferences", owners);
        ObjectNode managed = JSON.createObjectNode().put("type", "array")
                .put("description", "Maps workflow-id and version to the set of fields that are managed by that workflow.");
        managed.putObject("items").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        p.set("managedFields", managed);
        return s;
    }

    /** {@code metadata}: the shared ObjectMeta, wrapped in allOf as the API server writes a described reference. */
    private static ObjectNode metadataRef(String description) {
        ObjectNode meta = JSON.createObjectNode();
        meta.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + OBJECT_META);
        meta.put("description", description);
        return meta;
    }

    private static ObjectNode string(String description) {
        return JSON.createObjectNode().put("type", "string").put("description", description);
    }

    private static ObjectNode map(String format, String description) {
        ObjectNode m = JSON.createObjectNode().put("type", "object").put("description", description);
        ObjectNode values = m.putObject("additionalProperties").put("type", "string");
        if (format != null) {
            values.put("format", format);
        }
        return m;
    }

    // ---- operations ----

    private static ObjectNode collection(ResourceKind k, boolean writable) {
        ObjectNode path = JSON.createObjectNode();
        path.putArray("parameters").add(pathParameter("namespace"));
        String id = operationSuffix(k);
        path.set("get", operation("listNamespaced" + id, "list", k.group(), k.version(), k.kind(),
                List.of("labelSelector", "fieldSelector", "resourceVersion", "watch", "timeoutSeconds"), listName(k)));
        if (writable) {
            ObjectNode post = operation("createNamespaced" + id, "post", k.group(), k.version(), k.kind(),
                    List.of("dryRun", "fieldManager", "fieldValidation"), schemaName(k));
            post.set("requestBody", body(List.of("application/json", "application/yaml"), schemaName(k)));
            path.set("post", post);
        }
        return path;
    }

    private static ObjectNode item(ResourceKind k, boolean writable) {
        ObjectNode path = JSON.createObjectNode();
        ArrayNode params = path.putArray("parameters");
        params.add(pathParameter("name"));
        params.add(pathParameter("namespace"));
        String id = operationSuffix(k);
        path.set("get", operation("readNamespaced" + id, "get", k.group(), k.version(), k.kind(), List.of(), schemaName(k)));
        if (writable) {
            ObjectNode put = operation("replaceNamespaced" + id, "put", k.group(), k.version(), k.kind(),
                    List.of("dryRun", "fieldManager", "fieldValidation"), schemaName(k));
            put.set("requestBody", body(List.of("application/json", "application/yaml"), schemaName(k)));
            path.set("put", put);
            ObjectNode patch = operation("patchNamespaced" + id, "patch", k.group(), k.version(), k.kind(),
                    List.of("dryRun", "fieldManager", "fieldValidation"), schemaName(k));
            // no strategic merge patch advertised: kubectl then computes a JSON merge patch for the CRD kinds (as for
            // any CRD) and its built-in strategic patch for Secrets and ConfigMaps (string maps: the same result)
            patch.set("requestBody", body(List.of("application/json-patch+json", "application/merge-patch+json"), PATCH));
            path.set("patch", patch);
            path.set("delete", operation("deleteNamespaced" + id, "delete", k.group(), k.version(), k.kind(),
                    List.of("dryRun"), schemaName(k)));
        }
        return path;
    }

    private static ObjectNode allNamespaces(ResourceKind k) {
        ObjectNode path = JSON.createObjectNode();
        path.set("get", operation("list" + operationSuffix(k) + "ForAllNamespaces", "list", k.group(), k.version(), k.kind(),
                List.of("labelSelector", "fieldSelector", "resourceVersion", "watch", "timeoutSeconds"), listName(k)));
        return path;
    }

    private static String operationSuffix(ResourceKind k) {
        String group = k.group().isEmpty() ? "CoreV1" : "ForkliftKonveyorIo" + capitalize(k.version());
        return group + k.kind();
    }

    private static String capitalize(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String listName(ResourceKind k) {
        return schemaName(k) + "List";
    }

    private static ObjectNode operation(String id, String action, String group, String version, String kind,
                                        List<String> queryParameters, String responseSchema) {
        ObjectNode op = JSON.createObjectNode();
        op.put("operationId", id);
        op.put("x-kubernetes-action", action);
        op.putObject("x-kubernetes-group-version-kind").put("group", group).put("kind", kind).put("version", version);
        ArrayNode params = op.putArray("parameters");
        for (String q : queryParameters) {
            params.addObject().put("name", q).put("in", "query").put("description", QUERY.get(q))
                    .putObject("schema").put("type", q.equals("watch") ? "boolean" : q.equals("timeoutSeconds") ? "integer" : "string")
                    .put("uniqueItems", true);
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200").put("description", "OK");
        ObjectNode schema = ok.putObject("content").putObject("application/json").putObject("schema");
        if (responseSchema.endsWith("List")) {
            schema.put("type", "object").put("description", "A list of " + kind + " objects.");
        } else {
            schema.put("$ref", "#/components/schemas/" + responseSchema);
        }
        responses.putObject("401").put("description", "Unauthorized");
        return op;
    }

    private static final Map<String, String> QUERY = Map.of(
            "dryRun", "When present (All), modifications are not persisted.",
            "fieldManager", "A name associated with the actor or entity that is making these changes.",
            "fieldValidation", "How unknown fields in the request are handled: Ignore, Warn (default) or Strict.",
            "labelSelector", "A selector to restrict the list of returned objects by their labels.",
            "fieldSelector", "A selector to restrict the list of returned objects by their fields.",
            "resourceVersion", "Where a list or watch starts.",
            "watch", "Watch for changes to the described resources.",
            "timeoutSeconds", "Timeout for the list/watch call.");

    private static ObjectNode pathParameter(String name) {
        ObjectNode p = JSON.createObjectNode().put("name", name).put("in", "path").put("required", true)
                .put("description", name + " of the object");
        p.putObject("schema").put("type", "string").put("uniqueItems", true);
        return p;
    }

    private static ObjectNode body(List<String> types, String schema) {
        ObjectNode b = JSON.createObjectNode().put("required", true);
        ObjectNode content = b.putObject("content");
        for (String t : types) {
            content.putObject(t).putObject("schema").put("$ref", "#/components/schemas/" + schema);
        }
        return b;
    }

    // ---- v3 to v2 ----

    private static JsonNode toV2(JsonNode schema) {
        if (schema instanceof ObjectNode o) {
            ObjectNode out = JSON.createObjectNode();
            o.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    out.put("$ref", e.getValue().asText().replace("#/components/schemas/", "#/definitions/"));
                } else if (e.getKey().equals("allOf") && e.getValue().size() == 1 && e.getValue().get(0).has("$ref")) {
                    // v2 (as the API server renders it) puts the reference in place of the allOf wrapper
                    out.put("$ref", e.getValue().get(0).get("$ref").asText().replace("#/components/schemas/", "#/definitions/"));
                } else {
                    out.set(e.getKey(), toV2(e.getValue()));
                }
            });
            return out;
        }
        if (schema instanceof ArrayNode a) {
            ArrayNode out = JSON.createArrayNode();
            a.forEach(n -> out.add(toV2(n)));
            return out;
        }
        return schema;
    }

    private static ObjectNode toV2Path(ObjectNode path) {
        ObjectNode out = JSON.createObjectNode();
        path.properties().forEach(e -> {
            if (e.getKey().equals("parameters")) {
                out.set("parameters", v2Parameters(e.getValue()));
                return;
            }
            ObjectNode op = ((ObjectNode) e.getValue()).deepCopy();
            op.set("parameters", v2Parameters(op.path("parameters")));
            JsonNode requestBody = op.remove("requestBody");
            if (requestBody != null) {
                ArrayNode consumes = op.putArray("consumes");
                requestBody.path("content").fieldNames().forEachRemaining(consumes::add);
                ((ArrayNode) op.get("parameters")).addObject().put("name", "body").put("in", "body").put("required", true)
                        .set("schema", toV2(requestBody.path("content").elements().next().path("schema")));
            }
            op.putArray("produces").add("application/json");
            ObjectNode responses = JSON.createObjectNode();
            op.path("responses").properties().forEach(r -> {
                ObjectNode resp = JSON.createObjectNode().put("description", r.getValue().path("description").asText());
                JsonNode schema = r.getValue().path("content").path("application/json").path("schema");
                if (!schema.isMissingNode()) {
                    resp.set("schema", toV2(schema));
                }
                responses.set(r.getKey(), resp);
            });
            op.set("responses", responses);
            out.set(e.getKey(), op);
        });
        return out;
    }

    private static ArrayNode v2Parameters(JsonNode v3) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode p : v3) {
            ObjectNode q = ((ObjectNode) p).deepCopy();
            JsonNode schema = q.remove("schema");
            if (schema != null) {
                q.setAll((ObjectNode) schema);
            }
            out.add(q);
        }
        return out;
    }
}
