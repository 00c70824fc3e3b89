package io.hoist.core.inventory;

import java.util.LinkedHashMap;
import java.util.Map;

/** How stored documents look on the wire, in MTV's field names. */
public final class InventoryDocuments {
    private InventoryDocuments() {}

    /** The full document: the plugin's fields plus the host-owned {@code id}, {@code name}, {@code revision}. */
    public static Map<String, Object> full(InventoryDocument doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", doc.id());
        out.putAll(doc.content());
        out.put("id", doc.id());
        if (!doc.name().isEmpty()) {
            out.put("name", doc.name());
        }
        out.put("revision", doc.revision());
        return out;
    }

    /** What {@code detail=0} lists: id, parent and path when the plugin gave them, revision, name. */
    public static Map<String, Object> summary(InventoryDocument doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", doc.id());
        copyIfPresent(doc.content(), out, "parent");
        copyIfPresent(doc.content(), out, "path");
        out.put("revision", doc.revision());
        out.put("name", doc.name());
        return out;
    }

    private static void copyIfPresent(Map<String, Object> from, Map<String, Object> to, String key) {
        if (from.containsKey(key)) {
            to.put(key, from.get(key));
        }
    }
}
