package io.hoist.core.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields a kind's schema does not know, found and pruned as the API server does for structural CRD schemas: a field
 * outside {@code properties} is unknown unless the schema says {@code x-kubernetes-preserve-unknown-fields} or maps
 * it with {@code additionalProperties}; {@code metadata} keeps only ObjectMeta's fields. Secret and ConfigMap have
 * their core/v1 fields; ForkliftController, whose spec is free-form operator parameters, keeps everything.
 * {@code status} is not looked at: a user's write never sets it.
 */
public final class UnknownFields {
    private static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");
    private static final Map<ResourceKind, Set<String>> CORE_FIELDS = Map.of(
            ResourceKind.SECRET, Set.of("apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"),
            ResourceKind.CONFIG_MAP, Set.of("apiVersion", "kind", "metadata", "data", "binaryData", "immutable"),
            ResourceKind.EVENT, Set.of("apiVersion", "kind", "metadata", "involvedObject", "reason", "message", "source",
                    "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related",
                    "reportingComponent", "reportingInstance"));

    private UnknownFields() {}

    /** Removes the unknown fields from {@code object} and returns their paths ({@code spec.bogus}), in document order. */
    public static List<String> prune(ResourceKind kind, ObjectNode object) {
        List<String> found = new ArrayList<>();
        Set<String> core = CORE_FIELDS.get(kind);
        if (core != null) {
            pruneFields(object, core, "", found);
            pruneMetadata(object, found);
            return found;
        }
        JsonNode schema = CrdSchemas.rawSchema(kind);
        if (schema == null) {
            return found; // no schema (ForkliftController): nothing is unknown
        }
        walk(object, schema, "", found, true);
        return found;
    }

    private static void walk(JsonNode node, JsonNode schema, String path, List<String> found, boolean root) {
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (node instanceof ObjectNode object) {
            JsonNode properties = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            if (properties != null && properties.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = object.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                    if (root && f.getKey().equals("status")) {
                        continue;
                    }
                    if (root && f.getKey().equals("metadata")) {
                        continue;
                    }
                    JsonNode sub = properties.get(f.getKey());
                    if (sub == null) {
                        found.add(at);
                        it.remove();
                    } else {
                        walk(f.getValue(), sub, at, found, false);
                    }
                }
                if (root) {
                    pruneMetadata(object, found);
                }
            } else if (additional != null && additional.isObject()) {
                object.fields().forEachRemaining(f ->
                        walk(f.getValue(), additional, path + "[" + f.getKey() + "]", found, false));
            }
        } else if (node instanceof ArrayNode array && schema.get("items") instanceof ObjectNode items) {
            for (int i = 0; i < array.size(); i++) {
                walk(array.get(i), items, path + "[" + i + "]", found, false);
            }
        }
    }

    private static void pruneMetadata(ObjectNode object, List<String> found) {
        if (object.get("metadata") instanceof ObjectNode meta) {
            pruneFields(meta, OBJECT_META, "metadata", found);
        }
    }

    private static void pruneFields(ObjectNode object, Set<String> known, String path, List<String> found) {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            String name = it.next().getKey();
            if (!known.contains(name)) {
                found.add(path.isEmpty() ? name : path + "." + name);
                it.remove();
            }
        }
    }
}
