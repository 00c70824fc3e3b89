package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * kubectl's client-side apply as a JSON merge patch: set what the manifest says where the live object differs,
 * and delete what the previous apply set ({@code last-applied-configuration}) that the manifest no longer says.
 * Everything else on the live object (labels another tool added, defaults the server filled in) is left alone.
 * Lists are replaced as a whole, as kubectl does for custom resources.
 */
final class ApplyPatch {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private ApplyPatch() {}

    /** The patch; empty when the live object already is what the manifest says. */
    static ObjectNode threeWay(JsonNode lastApplied, ObjectNode desired, JsonNode live) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> it = desired.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode want = e.getValue();
            JsonNode have = live == null ? null : live.get(key);
            if (want.isObject() && have != null && have.isObject()) {
                ObjectNode sub = threeWay(lastApplied == null ? null : lastApplied.get(key), (ObjectNode) want, have);
                if (!sub.isEmpty()) {
                    patch.set(key, sub);
                }
            } else if (!want.equals(have)) {
                patch.set(key, want.deepCopy());
            }
        }
        if (lastApplied != null && lastApplied.isObject()) {
            lastApplied.fields().forEachRemaining(e -> {
                String key = e.getKey();
                JsonNode have = live == null ? null : live.get(key);
                if (desired.has(key) || have == null) {
                    return;
                }
                if (e.getValue().isObject() && have.isObject()) {
                    // only what the previous apply set goes: a label another tool added stays
                    ObjectNode sub = threeWay(e.getValue(), JsonNodeFactory.instance.objectNode(), have);
                    if (sub.size() == have.size()) {
                        patch.putNull(key); // nothing but what the previous apply set: the whole field goes
                    } else if (!sub.isEmpty()) {
                        patch.set(key, sub);
                    }
                } else {
                    patch.putNull(key);
                }
            });
        }
        return patch;
    }

    /** The live object's last-applied configuration, or null when it has none (or it is unreadable). */
    static JsonNode lastApplied(JsonNode live) {
        String text = live.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
