package io.hoist.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The rows of item lists ({@link ResourceStore#itemListPath}): one row per element, keyed by the element's "id" and
 * ordered by {@code ord}, so one element is written without rewriting its object. The SQL is what SQLite and
 * PostgreSQL both accept, so both stores share it.
 */
public final class ItemRows {
    public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS items ("
            + "kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL,"
            + " ord INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, namespace, name, id))";
    public static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS items_order ON items (kind, namespace, name, ord)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ItemRows() {}

    public static boolean hasList(ResourceKind kind) {
        return !ResourceStore.itemListPath(kind).isEmpty();
    }

    /** The object's elements in order (an empty array when it has none). */
    public static ArrayNode read(Connection c, ResourceKind kind, String ns, String name) throws SQLException {
        ArrayNode out = JSON.createArrayNode();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT body FROM items WHERE kind = ? AND namespace = ? AND name = ? ORDER BY ord")) {
            key(ps, kind, ns, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    public static Optional<ObjectNode> readOne(Connection c, ResourceKind kind, String ns, String name, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT body FROM items WHERE kind = ? AND namespace = ? AND name = ? AND id = ?")) {
            key(ps, kind, ns, name);
            ps.setString(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Puts the object's elements at its list's path. */
    public static void attach(Connection c, ResourceKind kind, String ns, String name, ObjectNode obj) throws SQLException {
        put(obj, ResourceStore.itemListPath(kind), read(c, kind, ns, name));
    }

    /**
     * Takes the list out of an object about to be stored: the array, an empty array for an explicit null, or null when
     * the object does not have the list (its rows stay as they are).
     */
    public static ArrayNode detach(ResourceKind kind, ObjectNode obj) {
        List<String> path = ResourceStore.itemListPath(kind);
        if (path.isEmpty()) {
            return null;
        }
        JsonNode parent = obj;
        for (String p : path.subList(0, path.size() - 1)) {
            parent = parent.get(p);
            if (parent == null || !parent.isObject()) {
                return null;
            }
        }
        String last = path.get(path.size() - 1);
        JsonNode list = parent.get(last);
        if (list == null) {
            return null;
        }
        if (!list.isArray() && !list.isNull()) {
            throw new IllegalArgumentException(String.join(".", path) + " must be a list");
        }
        ((ObjectNode) parent).remove(last);
        return list.isArray() ? (ArrayNode) list : JSON.createArrayNode();
    }

    public static void put(ObjectNode obj, List<String> path, ArrayNode list) {
        ObjectNode at = obj;
        for (String p : path.subList(0, path.size() - 1)) {
            JsonNode next = at.get(p);
            at = next != null && next.isObject() ? (ObjectNode) next : at.putObject(p);
        }
        at.set(path.get(path.size() - 1), list);
    }

    /** Replaces every element of the object with {@code list}, in its order. */
    public static void replaceAll(Connection w, ResourceKind kind, String ns, String name, ArrayNode list) throws SQLException {
        deleteAll(w, kind, ns, name);
        try (PreparedStatement ps = w.prepareStatement(
                "INSERT INTO items (kind, namespace, name, id, ord, body) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (kind, namespace, name, id) DO UPDATE SET ord = excluded.ord, body = excluded.body")) {
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isObject()) {
                    throw new IllegalArgumentException(String.join(".", ResourceStore.itemListPath(kind)) + "[" + i + "] must be an object");
                }
                key(ps, kind, ns, name);
                ps.setString(4, id(list.get(i), i));
                ps.setInt(5, i);
                ps.setString(6, serialize(list.get(i)));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Replaces the element with the item's id, or appends it. */
    public static void upsert(Connection w, ResourceKind kind, String ns, String name, ObjectNode item) throws SQLException {
        upsert(w, kind, ns, name, id(item, -1), serialize(item));
    }

    /** As {@link #upsert(Connection, ResourceKind, String, String, ObjectNode)}, with the element's id and JSON text. */
    public static void upsert(Connection w, ResourceKind kind, String ns, String name, String id, String body) throws SQLException {
        try (PreparedStatement ps = w.prepareStatement(
                "UPDATE items SET body = ? WHERE kind = ? AND namespace = ? AND name = ? AND id = ?")) {
            ps.setString(1, body);
            ps.setString(2, kind.name());
            ps.setString(3, ns);
            ps.setString(4, name);
            ps.setString(5, id);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = w.prepareStatement("INSERT INTO items (kind, namespace, name, id, ord, body) "
                + "SELECT ?, ?, ?, ?, COALESCE(MAX(ord), -1) + 1, ? FROM items WHERE kind = ? AND namespace = ? AND name = ?")) {
            key(ps, kind, ns, name);
            ps.setString(4, id);
            ps.setString(5, body);
            ps.setString(6, kind.name());
            ps.setString(7, ns);
            ps.setString(8, name);
            ps.executeUpdate();
        }
    }

    public static void deleteAll(Connection w, ResourceKind kind, String ns, String name) throws SQLException {
        try (PreparedStatement ps = w.prepareStatement("DELETE FROM items WHERE kind = ? AND namespace = ? AND name = ?")) {
            key(ps, kind, ns, name);
            ps.executeUpdate();
        }
    }

    /** Elements as their id and JSON text, refusing one without an id before anything is written. */
    public static List<ResourceStore.SerializedItem> serialized(List<ObjectNode> items) {
        List<ResourceStore.SerializedItem> out = new java.util.ArrayList<>(items.size());
        for (ObjectNode item : items) {
            out.add(new ResourceStore.SerializedItem(id(item, -1), serialize(item)));
        }
        return out;
    }

    /** Refuses serialized elements without an id before anything is written. */
    public static void checkIds(List<ResourceStore.SerializedItem> items) {
        for (ResourceStore.SerializedItem item : items) {
            if (item.id() == null || item.id().isEmpty() || item.json() == null) {
                throw new IllegalArgumentException("an item needs a non-empty string id and a body");
            }
        }
    }

    /** An element's key: its "id"; an element without one keeps its place by position. */
    public static String id(JsonNode item, int index) {
        JsonNode id = item.get("id");
        if (id != null && id.isTextual() && !id.asText().isEmpty()) {
            return id.asText();
        }
        if (index < 0) {
            throw new IllegalArgumentException("an item needs a non-empty string id");
        }
        return "#" + index;
    }

    private static void key(PreparedStatement ps, ResourceKind kind, String ns, String name) throws SQLException {
        ps.setString(1, kind.name());
        ps.setString(2, ns);
        ps.setString(3, name);
    }

    private static ObjectNode parse(String body) {
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored item is not valid JSON", e);
        }
    }

    private static String serialize(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialize item", e);
        }
    }
}
