package io.hoist.core.store.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore.UnreadableObject;
import io.hoist.core.store.StoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored objects that cannot be read back (left by an older version or damaged storage): found at open, reported once
 * in the log and by {@code unreadable()}, refused by name on a read, forgotten when deleted. One bad row never stops a
 * store, the API or the engine.
 */
public final class UnreadableRows {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRows.class);
    private final ConcurrentSkipListMap<String, UnreadableObject> rows = new ConcurrentSkipListMap<>();

    /** Reads every stored object once, exactly as a get would, so bad rows are reported at start. */
    public void scan(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT kind, namespace, name, body FROM objects")) {
            while (rs.next()) {
                try {
                    ResourceKind.valueOf(rs.getString(1));
                    if (!(StoredObjects.JSON.readTree(rs.getString(4)) instanceof ObjectNode)) {
                        throw new IOException("the stored body is not a JSON object");
                    }
                } catch (IOException | RuntimeException e) {
                    record(rs.getString(1), rs.getString(2), rs.getString(3), e);
                }
            }
        }
    }

    /** A stored body as an object, or the row recorded as unreadable and the error naming it. */
    public ObjectNode parse(String kind, String namespace, String name, String body) {
        try {
            return (ObjectNode) StoredObjects.JSON.readTree(body);
        } catch (IOException | ClassCastException e) {
            throw record(kind, namespace, name, e);
        }
    }

    /** Records the row (logged the first time) and returns the error a read of it gets. */
    public StoreException.Unreadable record(String kind, String namespace, String name, Exception e) {
        String reason = StoredObjects.firstLine(e);
        String what = kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
        if (rows.put(kind + "/" + namespace + "/" + name, new UnreadableObject(kind, namespace, name, reason)) == null) {
            LOG.warn("stored {} cannot be read and is skipped ({}); delete it to clear this warning", what, reason);
        }
        return new StoreException.Unreadable("the stored object " + what + " cannot be read (" + reason
                + "); delete it and create it again", e);
    }

    public void forget(String kind, String namespace, String name) {
        rows.remove(kind + "/" + namespace + "/" + name);
    }

    public List<UnreadableObject> list() {
        return List.copyOf(rows.values());
    }
}
