package io.hoist.core.store.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading stored objects the same way in both stores: a row that cannot be read is refused by name on a get and
 * skipped (already recorded) in a list, and item rows are attached only to objects that have them. The stores differ
 * only in their SQL and in how they know an object has items.
 */
public final class ObjectReads {
    private ObjectReads() {
    }

    /** Whether the object of the current row has item rows: a column in PostgreSQL, a set held by the SQLite store. */
    @FunctionalInterface
    public interface HasItems {
        boolean test(ResultSet row, String namespace, String name) throws SQLException;
    }

    /**
     * One object. {@code sql} selects the body first and takes kind, namespace and name as its parameters.
     */
    public static Optional<ObjectNode> one(Connection c, String sql, UnreadableRows unreadable, ResourceKind kind,
                                           String namespace, String name, boolean items, HasItems hasItems)
            throws SQLException {
        return one(c, sql, unreadable, kind, namespace, name, items, hasItems, 0);
    }

    /**
     * As {@link #one(Connection, String, UnreadableRows, ResourceKind, String, String, boolean, HasItems)}, with the
     * object's resourceVersion taken from column {@code rvColumn} of the row (0: the body's own): a store whose
     * items-only writes change the version without rewriting the body keeps the version there.
     */
    public static Optional<ObjectNode> one(Connection c, String sql, UnreadableRows unreadable, ResourceKind kind,
                                           String namespace, String name, boolean items, HasItems hasItems,
                                           int rvColumn) throws SQLException {
        ObjectNode body;
        boolean attach;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kind.name());
            ps.setString(2, namespace);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                body = unreadable.parse(kind.name(), namespace, name, rs.getString(1));
                stampVersion(body, rs, rvColumn);
                attach = items && hasItems.test(rs, namespace, name);
            }
        }
        if (attach) {
            ItemRows.attach(c, kind, namespace, name, body);
        }
        return Optional.of(body);
    }

    /**
     * Every object of a kind, in the order of {@code sql}, which selects body, namespace and name first and takes the
     * kind and, when {@code namespace} is not null, the namespace as its parameters.
     */
    public static List<ObjectNode> all(Connection c, String sql, UnreadableRows unreadable, ResourceKind kind,
                                       String namespace, boolean items, HasItems hasItems) throws SQLException {
        return all(c, sql, unreadable, kind, namespace, items, hasItems, 0);
    }

    /** As {@link #all(Connection, String, UnreadableRows, ResourceKind, String, boolean, HasItems)}, the version from {@code rvColumn}. */
    public static List<ObjectNode> all(Connection c, String sql, UnreadableRows unreadable, ResourceKind kind,
                                       String namespace, boolean items, HasItems hasItems, int rvColumn)
            throws SQLException {
        List<ObjectNode> out = new ArrayList<>();
        List<ObjectNode> needItems = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, kind.name());
            if (namespace != null) {
                ps.setString(2, namespace);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String ns = rs.getString(2);
                    String name = rs.getString(3);
                    try {
                        ObjectNode o = unreadable.parse(kind.name(), ns, name, rs.getString(1));
                        stampVersion(o, rs, rvColumn);
                        out.add(o);
                        if (items && hasItems.test(rs, ns, name)) {
                            needItems.add(o);
                        }
                    } catch (StoreException.Unreadable skipped) {
                        // recorded as unreadable; one bad row must not hide the others
                    }
                }
            }
        }
        // after the result set is closed: SQLite allows one open statement's rows at a time on a connection
        for (ObjectNode o : needItems) {
            ItemRows.attach(c, kind, o.path("metadata").path("namespace").asText(),
                    o.path("metadata").path("name").asText(), o);
        }
        return out;
    }

    /** Sets the body's metadata.resourceVersion from the row's version column, when there is one. */
    public static void stampVersion(ObjectNode body, ResultSet row, int rvColumn) throws SQLException {
        if (rvColumn > 0 && body.get("metadata") instanceof ObjectNode meta) {
            meta.put("resourceVersion", Long.toString(row.getLong(rvColumn)));
        }
    }
}
