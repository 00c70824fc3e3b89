package io.hoist.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * What every SQL store does to an object the same way: the server-owned metadata on create and replace, the
 * generation rule, the body checks before a write, the key order kubectl prints. One place, so the SQLite and the
 * PostgreSQL store cannot drift apart.
 */
public final class StoredObjects {
    public static final ObjectMapper JSON = new ObjectMapper();

    private StoredObjects() {}

    /** A new object as stored: server-owned fields replace whatever the client sent. */
    public static void stampCreated(ResourceKind kind, ObjectNode obj, String namespace, long rv) {
        ObjectNode meta = metadata(obj);
        obj.put("apiVersion", kind.apiVersion());
        obj.put("kind", kind.kind());
        meta.put("namespace", namespace);
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("generation", 1);
        meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        meta.put("resourceVersion", Long.toString(rv));
        reorder(obj);
    }

    /** The refusal of a write whose resourceVersion is not the stored one (the API's 409). */
    public static void checkVersion(ResourceKind kind, String name, ObjectNode existing, String expectedRv) {
        String currentRv = existing.path("metadata").path("resourceVersion").asText();
        if (expectedRv != null && !expectedRv.isEmpty() && !expectedRv.equals(currentRv)) {
            throw new StoreException.Conflict("Operation cannot be fulfilled on " + kind.plural() + " \"" + name
                    + "\": the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    /**
     * The object after a replace: a status write takes only {@code in}'s status; an update takes everything but the
     * status and the server-owned metadata, and bumps generation when the desired state changed.
     */
    public static ObjectNode replaced(ResourceKind kind, ObjectNode existing, ObjectNode in, boolean statusOnly,
                                      String namespace, long rv) {
        ObjectNode result;
        if (statusOnly) {
            result = existing.deepCopy();
            if (in.has("status")) {
                result.set("status", in.get("status"));
            } else {
                result.remove("status");
            }
        } else {
            ObjectNode oldMeta = (ObjectNode) existing.get("metadata");
            result = in;
            if (existing.has("status")) {
                result.set("status", existing.get("status"));
            } else {
                result.remove("status");
            }
            ObjectNode meta = metadata(result);
            long generation = oldMeta.path("generation").asLong(1);
            if (!sameContent(existing, result)) {
                generation++;
            }
            meta.put("namespace", namespace);
            meta.set("uid", oldMeta.get("uid"));
            meta.set("creationTimestamp", oldMeta.get("creationTimestamp"));
            meta.put("generation", generation);
            result.put("apiVersion", kind.apiVersion());
            result.put("kind", kind.kind());
        }
        ((ObjectNode) result.get("metadata")).put("resourceVersion", Long.toString(rv));
        reorder(result);
        return result;
    }

    /**
     * A shallow copy of a stored body with its own metadata at {@code rv}: the spec and status are shared, not copied
     * (an items-only event's object: the body did not change, and a big plan's spec is not copied per status batch).
     */
    public static ObjectNode withVersion(ObjectNode body, long rv) {
        ObjectNode out = JSON.createObjectNode();
        out.setAll(body);
        if (body.get("metadata") instanceof ObjectNode meta) {
            ObjectNode m = meta.deepCopy();
            m.put("resourceVersion", Long.toString(rv));
            out.set("metadata", m);
        }
        return out;
    }

    /** What a DELETED event can say of an object that cannot be read: its identity. */
    public static ObjectNode identity(ResourceKind kind, String namespace, String name) {
        ObjectNode existing = JSON.createObjectNode();
        existing.put("apiVersion", kind.apiVersion());
        existing.put("kind", kind.kind());
        ObjectNode meta = existing.putObject("metadata");
        meta.put("name", name);
        if (!namespace.isEmpty()) {
            meta.put("namespace", namespace);
        }
        return existing;
    }

    /**
     * The body to store: refused when larger than {@link ResourceStore#MAX_OBJECT_BYTES} or when the store's own
     * reader would not read it back, so a stored row can always be read again (after a restart too).
     */
    public static String checkedBody(ResourceKind kind, String namespace, String name, ObjectNode obj) {
        String what = kind.kind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
        String body;
        try {
            body = JSON.writeValueAsString(obj);
        } catch (JsonProcessingException e) {
            throw new StoreException.NotReadable(what + " cannot be stored: the store could not read it back ("
                    + firstLine(e) + "); nothing was stored", e);
        }
        // UTF-8 needs at most 3 bytes per char: skip the exact count for bodies clearly under the limit
        long bytes = body.length() * 3L <= ResourceStore.MAX_OBJECT_BYTES ? body.length()
                : body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ResourceStore.MAX_OBJECT_BYTES) {
            throw new StoreException.TooLarge(what + " is " + bytes + " bytes as JSON, more than the store's limit of "
                    + ResourceStore.MAX_OBJECT_BYTES + " bytes (1.5 MiB); nothing was stored");
        }
        try {
            JSON.readTree(body); // the same read get() and list() do
        } catch (JsonProcessingException e) {
            throw new StoreException.NotReadable(what + " cannot be stored: the store could not read it back ("
                    + firstLine(e) + "); nothing was stored", e);
        }
        return body;
    }

    public static String firstLine(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    /** Generation counts changes to the desired state: everything except metadata and status. */
    public static boolean sameContent(ObjectNode a, ObjectNode b) {
        ObjectNode x = a.deepCopy();
        ObjectNode y = b.deepCopy();
        for (ObjectNode o : List.of(x, y)) {
            o.remove(List.of("metadata", "status", "apiVersion", "kind"));
        }
        return x.equals(y);
    }

    /** apiVersion, kind, metadata first, as kubectl prints them. */
    public static void reorder(ObjectNode obj) {
        ObjectNode copy = obj.deepCopy();
        obj.removeAll();
        for (String f : List.of("apiVersion", "kind", "metadata")) {
            if (copy.has(f)) {
                obj.set(f, copy.get(f));
            }
        }
        copy.fields().forEachRemaining(e -> {
            if (!obj.has(e.getKey())) {
                obj.set(e.getKey(), e.getValue());
            }
        });
    }

    public static ObjectNode metadata(ObjectNode obj) {
        JsonNode m = obj.get("metadata");
        if (m == null || m.isNull()) {
            return obj.putObject("metadata");
        }
        if (!m.isObject()) {
            throw new IllegalArgumentException("metadata must be an object");
        }
        return (ObjectNode) m;
    }

    public static String requireName(ObjectNode meta) {
        String name = text(meta, "name");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("metadata.name is required");
        }
        return name;
    }

    public static String text(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("metadata." + field + " must be a string");
        }
        return v.asText();
    }

    /** The stored form of a namespace: cluster-scoped objects have the empty one. */
    public static String ns(String namespace) {
        return namespace == null ? "" : namespace;
    }

    public static String objectKey(ResourceKind kind, String namespace, String name) {
        return kind.name() + '\u0000' + namespace + '\u0000' + name;
    }

    /** A stored body (a change-log row, an item): its JSON object. */
    public static ObjectNode parse(String body) {
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new StoreException("stored object is not valid JSON", e);
        }
    }

    public static String serialize(ObjectNode obj) {
        try {
            return JSON.writeValueAsString(obj);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialize object", e);
        }
    }
}
