package io.hoist.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Secret values never reach the terminal: {@code get secret -o yaml|json} shows each key with its size,
 * never its value. The server never sends values either; it says each value's size in the
 * {@value #SIZES} annotation, which is what is shown.
 */
public final class Redaction {
    private Redaction() {}

    public static final String SIZES = "secrets.hoist.io/data-bytes";
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    public static ObjectNode redactSecret(ObjectNode secret) {
        ObjectNode copy = secret.deepCopy();
        JsonNode sizes = serverSizes(secret);
        redact(copy, "data", true, sizes);
        redact(copy, "stringData", false, null);
        // kubectl's last-applied copy of a Secret holds its values
        if (copy.path("metadata").path("annotations") instanceof ObjectNode ann && ann.has(LAST_APPLIED)) {
            ann.put(LAST_APPLIED, "<redacted>");
        }
        return copy;
    }

    /** The size of a stored value as the server reported it, else of the value at hand. */
    public static String size(ObjectNode secret, String key) {
        JsonNode n = serverSizes(secret).get(key);
        return n != null && n.canConvertToInt() ? n.asInt() + " bytes" : size(secret.path("data").path(key), true);
    }

    private static JsonNode serverSizes(ObjectNode secret) {
        String text = secret.path("metadata").path("annotations").path(SIZES).asText("");
        try {
            return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
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

    private static void redact(ObjectNode object, String field, boolean base64, JsonNode sizes) {
        JsonNode data = object.get(field);
        if (data instanceof ObjectNode map) {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode reported = sizes == null ? null : sizes.get(e.getKey());
                String size = reported != null && reported.canConvertToInt() ? reported.asInt() + " bytes"
                        : size(e.getValue(), base64);
                e.setValue(map.textNode("<redacted: " + size + ">"));
            }
        }
    }
}
