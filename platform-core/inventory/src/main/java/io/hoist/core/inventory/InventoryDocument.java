package io.hoist.core.inventory;

import java.util.Map;

/**
 * One published document as stored: the plugin's content converted to JSON-like maps once, at publish
 * time, so reads never touch plugin classes.
 */
public record InventoryDocument(String id, String name, long revision, Map<String, Object> content) {
    public InventoryDocument {
        content = content == null ? Map.of() : content;
    }
}
