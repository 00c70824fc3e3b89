package io.hoist.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Secret values never reach the terminal: {@code get secret -o yaml|json} shows each key with its size,
 * never its value.
 */
public final class Redaction {
    private Redaction() {}

    public static ObjectNode redactSecret(ObjectNode secret) {
        ObjectNode copy = secret.deepCopy();
        redact(copy, "data", true);
        redact(copy, "stringData", false);
        return copy;
    }

    /** The size of each value, e.g. {@code 12 bytes}: what describe shows for a Secret. */
    public static String size(JsonNode value, boolean base64) {
        String text = value.asText("");
        int bytes;
        try {
            bytes = base64 ? Base64.getDecoder().decode(text).length : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        } catch (IllegalArgumentException e) {
            bytes = text.length();
        }
        return bytes + " bytes";
    }

    private static void redact(ObjectNode object, String field, boolean base64) {
        JsonNode data = object.get(field);
        if (data instanceof ObjectNode map) {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(map.textNode("<redacted: " + size(e.getValue(), base64) + ">"));
            }
        }
    }
}
