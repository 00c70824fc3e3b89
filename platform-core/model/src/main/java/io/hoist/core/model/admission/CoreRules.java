package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.resource.ControllerSettings;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** Secret, ConfigMap and ForkliftController rules. Secret values never appear in a message. */
final class CoreRules {
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern BASE64 = Pattern.compile("([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

    private CoreRules() {
    }

    static void checkSecret(ObjectNode secret, ObjectNode existing, Problems p) {
        checkMap(secret, "data", true, p);
        checkMap(secret, "stringData", false, p);
        checkImmutable(secret, existing, p, "data", "stringData");
    }

    static void checkConfigMap(ObjectNode configMap, ObjectNode existing, Problems p) {
        checkMap(configMap, "data", false, p);
        checkMap(configMap, "binaryData", true, p);
        checkImmutable(configMap, existing, p, "data", "binaryData");
    }

    private static void checkMap(ObjectNode object, String field, boolean base64, Problems p) {
        JsonNode map = object.get(field);
        if (map == null) {
            return;
        }
        if (!map.isObject()) {
            p.invalid(field, "must be a map of strings");
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = field + "[" + e.getKey() + "]";
            if (e.getKey().length() > 253 || !KEY.matcher(e.getKey()).matches()) {
                p.invalid(at, "Invalid key: must consist of alphanumeric characters, '-', '_' or '.'");
            }
            if (!e.getValue().isTextual()) {
                p.invalid(at, "Invalid value: must be a string (quote numbers and booleans)");
            } else if (base64 && !BASE64.matcher(e.getValue().asText()).matches()) {
                p.invalid(at, "Invalid value: must be base64 encoded (use stringData for plain text)");
            }
        }
    }

    private static void checkImmutable(ObjectNode object, ObjectNode existing, Problems p, String... fields) {
        if (existing == null || !existing.path("immutable").asBoolean(false)) {
            return;
        }
        if (!object.path("immutable").asBoolean(false)) {
            p.forbidden("immutable", "field is immutable when `immutable` is set");
        }
        for (String f : fields) {
            JsonNode before = existing.get(f);
            JsonNode after = object.get(f);
            if (after != null && !after.equals(before)) {
                p.forbidden(f, "field is immutable when `immutable` is set");
            }
        }
    }

    /** Kubernetes merges write-only stringData into data (base64) before storing. */
    static void foldStringData(ObjectNode secret) {
        JsonNode stringData = secret.remove("stringData");
        if (stringData == null || !stringData.isObject() || stringData.isEmpty()) {
            return;
        }
        ObjectNode data = secret.get("data") instanceof ObjectNode d ? d : secret.putObject("data");
        stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
                Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    }

    static void checkForkliftController(ObjectNode controller, Problems p) {
        JsonNode spec = controller.get("spec");
        if (spec != null && !spec.isObject()) {
            p.invalid("spec", "must be an object of operator parameters");
            return;
        }
        ControllerSettings.from(controller).problems()
                .forEach((field, message) -> p.invalid("spec." + field, "Invalid value: " + message));
    }
}
