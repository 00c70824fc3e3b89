package io.hoist.core.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code namespaces} table both stores share: one row per namespace, its body the metadata Hoist keeps (uid,
 * creationTimestamp, labels, annotations). The SQL is the dialect SQLite and PostgreSQL have in common.
 */
public final class NamespaceRows {
    /** For the SQLite store, which creates its tables itself (PostgreSQL's come from a Flyway migration). */
    public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS namespaces (name TEXT PRIMARY KEY, body TEXT NOT NULL)";

    private NamespaceRows() {}

    /** Every stored namespace by name (sorted by code point, whatever the database's collation). */
    public static SortedMap<String, ObjectNode> all(Connection c) throws SQLException {
        SortedMap<String, ObjectNode> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, body FROM namespaces");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), parse(rs.getString(1), rs.getString(2)));
            }
        }
        return out;
    }

    public static Optional<ObjectNode> one(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body FROM namespaces WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(parse(name, rs.getString(1))) : Optional.empty();
            }
        }
    }

    /** Inserts unless the name is taken; whether it inserted. */
    public static boolean insert(Connection c, String name, ObjectNode metadata) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO namespaces (name, body) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.setString(2, serialize(metadata));
            return ps.executeUpdate() == 1;
        }
    }

    public static void upsert(Connection c, String name, ObjectNode metadata) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO namespaces (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body")) {
            ps.setString(1, name);
            ps.setString(2, serialize(metadata));
            ps.executeUpdate();
        }
    }

    public static boolean delete(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM namespaces WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() == 1;
        }
    }

    private static String serialize(ObjectNode metadata) {
        try {
            return StoredObjects.JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot serialise a namespace: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode parse(String name, String body) {
        try {
            return (ObjectNode) StoredObjects.JSON.readTree(body);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new StoreException("the stored namespace \"" + name + "\" cannot be read: " + e.getMessage(), e);
        }
    }
}
