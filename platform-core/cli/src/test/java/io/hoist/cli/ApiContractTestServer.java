package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hoist.core.model.ResourceKind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * TEST DOUBLE of Hoist's REST contract (Kubernetes-style paths, bearer token, Status errors with
 * details.causes[], 409 on a stale resourceVersion, 422 from a pluggable admission) on a real socket,
 * so the CLI is tested over HTTP before and independently of the real HoistServer. In memory.
 */
final class ApiContractTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final String token;
    private final Map<String, ObjectNode> objects = new TreeMap<>();
    private final AtomicLong version = new AtomicLong();
    private final List<String> requests = new ArrayList<>();
    /** Returns {@code field: message} causes for a write; non-empty means 422. */
    private volatile Function<ObjectNode, List<String[]>> admission = o -> List.of();
    /** When > 0, that many next PUTs answer 409 as if someone else wrote first. */
    private volatile int conflictsToInject;

    ApiContractTestServer(String token) throws IOException {
        this.token = token;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    void admission(Function<ObjectNode, List<String[]>> admission) {
        this.admission = admission;
    }

    void injectConflicts(int n) {
        conflictsToInject = n;
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    synchronized Optional<ObjectNode> object(ResourceKind kind, String ns, String name) {
        return Optional.ofNullable(objects.get(key(kind.plural(), ns, name))).map(ObjectNode::deepCopy);
    }

    synchronized List<ObjectNode> objects(ResourceKind kind, String ns) {
        String prefix = kind.plural() + "/" + ns + "/";
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(e -> e.getValue().deepCopy()).toList();
    }

    /** Sets a status directly, as a controller would. */
    synchronized void setStatus(ResourceKind kind, String ns, String name, ObjectNode status) {
        objects.get(key(kind.plural(), ns, name)).set("status", status);
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private static String key(String plural, String ns, String name) {
        return plural + "/" + ns + "/" + name;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            synchronized (this) {
                requests.add(method + " " + path);
            }
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, status(401, "Unauthorized", "missing or invalid bearer token", List.of()));
                return;
            }
            if (path.equals("/api/v1/plugins")) {
                send(ex, 200, JSON.readTree("""
                        {"apiVersion":"v1","kind":"PluginList","pluginApiVersion":"2.0.0","items":[
                         {"id":"ova","version":"0.1.0","state":"STARTED","extensions":[{"point":"SourceProviderFactory","className":"x","type":"ova"}]},
                         {"id":"future","version":"2.0","state":"FAILED","error":"plugin 'future' refused: it requires plugin API 2.0.0","extensions":[]}]}"""));
                return;
            }
            String[] seg = path.substring(1).split("/");
            // api/v1/namespaces/NS/PLURAL[/NAME] or apis/GROUP/VERSION/namespaces/NS/PLURAL[/NAME]
            int nsAt = seg[0].equals("api") ? 2 : 3;
            if (seg.length < nsAt + 3 || !seg[nsAt].equals("namespaces")) {
                send(ex, 404, status(404, "NotFound", "no route " + path, List.of()));
                return;
            }
            String ns = seg[nsAt + 1];
            String plural = seg[nsAt + 2];
            String name = seg.length > nsAt + 3 ? java.net.URLDecoder.decode(seg[nsAt + 3], StandardCharsets.UTF_8) : null;
            ResourceKind kind = ResourceKind.byPlural(plural).orElse(null);
            if (kind == null) {
                send(ex, 404, status(404, "NotFound", "unknown resource " + plural, List.of()));
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            boolean dryRun = String.valueOf(ex.getRequestURI().getQuery()).contains("dryRun=All");
            synchronized (this) {
                if (method.equals("PATCH")) {
                    patch(ex, kind, ns, name, body, dryRun);
                    return;
                }
                route(ex, method, kind, ns, name, body);
            }
        }
    }

    private void route(HttpExchange ex, String method, ResourceKind kind, String ns, String name, byte[] body) throws IOException {
        String k = name == null ? null : key(kind.plural(), ns, name);
        switch (method) {
            case "GET" -> {
                if (name == null) {
                    ObjectNode list = JSON.createObjectNode();
                    list.put("apiVersion", kind.apiVersion());
                    list.put("kind", kind.kind() + "List");
                    ArrayNode items = list.putArray("items");
                    objects(kind, ns).forEach(items::add);
                    send(ex, 200, list);
                } else if (objects.containsKey(k)) {
                    send(ex, 200, objects.get(k));
                } else {
                    send(ex, 404, status(404, "NotFound", kind.plural() + " \"" + name + "\" not found", List.of()));
                }
            }
            case "POST" -> {
                ObjectNode obj = (ObjectNode) JSON.readTree(body);
                String n = obj.path("metadata").path("name").asText();
                if (!admit(ex, obj)) {
                    return;
                }
                if (objects.containsKey(key(kind.plural(), ns, n))) {
                    send(ex, 409, status(409, "AlreadyExists", kind.plural() + " \"" + n + "\" already exists", List.of()));
                    return;
                }
                ObjectNode meta = (ObjectNode) obj.get("metadata");
                meta.put("uid", UUID.randomUUID().toString());
                meta.put("resourceVersion", String.valueOf(version.incrementAndGet()));
                meta.put("creationTimestamp", Instant.now().minusSeconds(330).toString());
                objects.put(key(kind.plural(), ns, n), obj);
                send(ex, 201, obj);
            }
            case "PUT" -> {
                ObjectNode current = objects.get(k);
                if (current == null) {
                    send(ex, 404, status(404, "NotFound", kind.plural() + " \"" + name + "\" not found", List.of()));
                    return;
                }
                ObjectNode obj = (ObjectNode) JSON.readTree(body);
                if (!admit(ex, obj)) {
                    return;
                }
                String rv = obj.path("metadata").path("resourceVersion").asText("");
                if (conflictsToInject > 0 || !rv.isEmpty() && !rv.equals(current.path("metadata").path("resourceVersion").asText())) {
                    if (conflictsToInject > 0) {
                        conflictsToInject--;
                        ((ObjectNode) current.get("metadata")).put("resourceVersion", String.valueOf(version.incrementAndGet()));
                    }
                    send(ex, 409, status(409, "Conflict", "the object has been modified; apply your changes to the latest version", List.of()));
                    return;
                }
                ObjectNode meta = (ObjectNode) obj.get("metadata");
                meta.set("uid", current.path("metadata").get("uid"));
                meta.set("creationTimestamp", current.path("metadata").get("creationTimestamp"));
                meta.put("resourceVersion", String.valueOf(version.incrementAndGet()));
                if (current.has("status")) {
                    obj.set("status", current.get("status"));
                } else {
                    obj.remove("status");
                }
                objects.put(k, obj);
                send(ex, 200, obj);
            }
            case "DELETE" -> {
                ObjectNode gone = objects.remove(k);
                if (gone == null) {
                    send(ex, 404, status(404, "NotFound", kind.plural() + " \"" + name + "\" not found", List.of()));
                } else {
                    send(ex, 200, gone);
                }
            }
            default -> send(ex, 405, status(405, "MethodNotAllowed", method, List.of()));
        }
    }

    /** A JSON merge patch (RFC 7386), unconditional as the real server's; a dry run stores nothing. */
    private void patch(HttpExchange ex, ResourceKind kind, String ns, String name, byte[] body, boolean dryRun) throws IOException {
        String k = key(kind.plural(), ns, name);
        ObjectNode current = objects.get(k);
        if (current == null) {
            send(ex, 404, status(404, "NotFound", kind.plural() + " \"" + name + "\" not found", List.of()));
            return;
        }
        if (!"application/merge-patch+json".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            send(ex, 415, status(415, "UnsupportedMediaType", "merge patches only", List.of()));
            return;
        }
        ObjectNode obj = (ObjectNode) mergePatch(current.deepCopy(), JSON.readTree(body));
        if (!admit(ex, obj)) {
            return;
        }
        if (!dryRun) {
            ((ObjectNode) obj.get("metadata")).put("resourceVersion", String.valueOf(version.incrementAndGet()));
            objects.put(k, obj);
        }
        send(ex, 200, obj);
    }

    private static com.fasterxml.jackson.databind.JsonNode mergePatch(com.fasterxml.jackson.databind.JsonNode target,
                                                                      com.fasterxml.jackson.databind.JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode out = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    private boolean admit(HttpExchange ex, ObjectNode obj) throws IOException {
        List<String[]> causes = admission.apply(obj);
        if (causes.isEmpty()) {
            return true;
        }
        send(ex, 422, status(422, "Invalid", obj.path("kind").asText() + " \"" + obj.path("metadata").path("name").asText()
                + "\" is invalid", causes));
        return false;
    }

    private static ObjectNode status(int code, String reason, String message, List<String[]> causes) {
        ObjectNode st = JSON.createObjectNode();
        st.put("kind", "Status");
        st.put("apiVersion", "v1");
        st.put("status", "Failure");
        st.put("message", message);
        st.put("reason", reason);
        st.put("code", code);
        ArrayNode arr = st.putObject("details").putArray("causes");
        for (String[] c : causes) {
            arr.addObject().put("field", c[0]).put("reason", "FieldValueInvalid").put("message", c[1]);
        }
        return st;
    }

    private static void send(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
