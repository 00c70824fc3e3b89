package io.hoist.core.cluster;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the other nodes know of a node, carried in its cluster metadata: its name, labels and disk cap.
 *
 * @param maxDisks disks it copies at once, 0 when it sets no cap of its own
 */
public record NodeProfile(String name, Map<String, String> labels, int maxDisks) {
    public NodeProfile {
        labels = Map.copyOf(labels);
    }

    public JsonObject toJson() {
        return new JsonObject().put("name", name).put("labels", new JsonObject(new LinkedHashMap<>(labels))).put("maxDisks", maxDisks);
    }

    /** The profile in a node's metadata; null when the node carries none (not a Hoist node, or one of an older version). */
    public static NodeProfile fromJson(JsonObject json) {
        if (json == null || json.getString("name") == null) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonObject l = json.getJsonObject("labels", new JsonObject());
        l.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        return new NodeProfile(json.getString("name"), labels, json.getInteger("maxDisks", 0));
    }

    /** Whether this node has every label of {@code selector}. */
    public boolean matches(Map<String, String> selector) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
