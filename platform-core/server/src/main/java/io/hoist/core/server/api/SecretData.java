package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Cause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Secret values are write-only. On the way in, {@code stringData} is folded into {@code data}
 * (base64), as Kubernetes does. On the way out every {@code data} value is replaced by an empty
 * string: clients see which keys exist, never their values. Because a client may send back what it
 * read, an empty value on replace or patch means "keep the stored value"; remove a key to delete it.
 */
final class SecretData {
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private SecretData() {}

    /** Normalizes an incoming Secret; {@code existing} is the stored one (unredacted) or null. */
    static List<Cause> normalize(ObjectNode secret, ObjectNode existing) {
        List<Cause> causes = new ArrayList<>();
        ObjectNode data;
        JsonNode d = secret.get("data");
        if (d == null || d.isNull()) {
            data = secret.objectNode();
        } else if (d.isObject()) {
            data = (ObjectNode) d;
        } else {
            causes.add(Cause.invalid("data", "must be an object of base64 strings"));
            return causes;
        }
        JsonNode sd = secret.remove("stringData");
        if (sd != null && !sd.isNull()) {
            if (!sd.isObject()) {
                causes.add(Cause.invalid("stringData", "must be an object of strings"));
            } else {
                for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) sd::fields) {
                    if (!e.getValue().isTextual()) {
                        causes.add(Cause.invalid("stringData[" + ObjectRules.safeKey(e.getKey()) + "]", "must be a string"));
                    } else {
                        data.put(e.getKey(), Base64.getEncoder().encodeToString(
                                e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        JsonNode stored = existing == null ? null : existing.get("data");
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) data::fields) {
            String field = "data[" + ObjectRules.safeKey(e.getKey()) + "]";
            if (!KEY.matcher(e.getKey()).matches()) {
                causes.add(Cause.invalid(field, "a key must consist of alphanumerics, '-', '_' or '.'"));
            } else if (!e.getValue().isTextual()) {
                causes.add(Cause.invalid(field, "must be a base64 string"));
            } else if (e.getValue().asText().isEmpty() && stored != null && stored.hasNonNull(e.getKey())) {
                e.setValue(stored.get(e.getKey()));
            } else if (!isBase64(e.getValue().asText())) {
                causes.add(Cause.invalid(field, "must be base64-encoded (the value is not shown)"));
            }
        }
        if (!data.isEmpty()) {
            secret.set("data", data);
        }
        return causes;
    }

    /** A copy safe to send: data values blanked, stringData and kubectl's last-applied copy removed. */
    static ObjectNode redact(ResourceKind kind, ObjectNode obj) {
        if (kind != ResourceKind.SECRET) {
            return obj;
        }
        ObjectNode copy = obj.deepCopy();
        copy.remove("stringData");
        JsonNode data = copy.get("data");
        if (data != null && data.isObject()) {
            ((ObjectNode) data).fieldNames().forEachRemaining(k -> ((ObjectNode) data).put(k, ""));
        }
        JsonNode ann = copy.path("metadata").get("annotations");
        if (ann != null && ann.isObject() && ann.has(LAST_APPLIED)) {
            ((ObjectNode) ann).put(LAST_APPLIED, "");
        }
        return copy;
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
