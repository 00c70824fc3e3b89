package io.hoist.core.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.meta.KubeObject;
import io.hoist.core.model.resource.ConfigMap;
import io.hoist.core.model.resource.Event;
import io.hoist.core.model.resource.ForkliftController;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.Host;
import io.hoist.core.model.resource.Migration;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.model.resource.Secret;
import io.hoist.core.model.resource.StorageMap;

/**
 * Converts between the stored form of a resource (a Jackson {@link ObjectNode}) and its typed view.
 * The typed classes keep unknown fields, so {@code toNode(toTyped(n))} equals {@code n} up to the
 * order of fields and explicit nulls (Kubernetes drops those too).
 */
public final class Resources {
    /** The JSON mapper used by the model; thread-safe. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Resources() {
    }

    /**
     * The kind of a manifest from its {@code kind} and {@code apiVersion}; empty when the kind is not one
     * Hoist stores or the apiVersion does not match it (a missing apiVersion is accepted).
     */
    public static java.util.Optional<ResourceKind> kindOf(JsonNode manifest) {
        String kind = manifest.path("kind").asText("");
        String apiVersion = manifest.path("apiVersion").asText("");
        return ResourceKind.byKind(kind).filter(k -> apiVersion.isEmpty() || k.apiVersion().equals(apiVersion));
    }

    /** The typed class of a kind. */
    public static Class<? extends KubeObject> typeOf(ResourceKind kind) {
        return switch (kind) {
            case PROVIDER -> Provider.class;
            case HOST -> Host.class;
            case NETWORK_MAP -> NetworkMap.class;
            case STORAGE_MAP -> StorageMap.class;
            case PLAN -> Plan.class;
            case MIGRATION -> Migration.class;
            case HOOK -> Hook.class;
            case FORKLIFT_CONTROLLER -> ForkliftController.class;
            case SECRET -> Secret.class;
            case CONFIG_MAP -> ConfigMap.class;
            case EVENT -> Event.class;
        };
    }

    /**
     * The typed view of a stored object. Throws {@link IllegalArgumentException} naming the field when
     * a value has the wrong JSON type (schema validation normally catches this first).
     */
    public static <T> T toTyped(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(fieldPath(e) + ": " + describe(e), e);
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * What is wrong with a field, without its value: Jackson's own message quotes it ("from String
     * \"hunter2\""), and the field may be a secret.
     */
    private static String describe(JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && m.getTargetType() != null) {
            Class<?> t = m.getTargetType();
            String type = Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class) ? "number"
                    : t == Boolean.class || t == boolean.class ? "boolean"
                    : t == String.class ? "string"
                    : java.util.Collection.class.isAssignableFrom(t) || t.isArray() ? "array"
                    : "object";
            return "Invalid value: must be of type " + type;
        }
        return "Invalid value: cannot be read (" + e.getClass().getSimpleName() + ")";
    }

    public static Plan plan(JsonNode node) {
        return toTyped(node, Plan.class);
    }

    public static Migration migration(JsonNode node) {
        return toTyped(node, Migration.class);
    }

    public static Provider provider(JsonNode node) {
        return toTyped(node, Provider.class);
    }

    public static NetworkMap networkMap(JsonNode node) {
        return toTyped(node, NetworkMap.class);
    }

    public static StorageMap storageMap(JsonNode node) {
        return toTyped(node, StorageMap.class);
    }

    public static Hook hook(JsonNode node) {
        return toTyped(node, Hook.class);
    }

    public static Host host(JsonNode node) {
        return toTyped(node, Host.class);
    }

    public static Secret secret(JsonNode node) {
        return toTyped(node, Secret.class);
    }

    /** The stored form of a typed object (or of any Jackson-serializable value that is an object). */
    public static ObjectNode toNode(Object typed) {
        JsonNode n = MAPPER.valueToTree(typed);
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("not an object: " + typed.getClass().getName());
        }
        return normalizeInts(o);
    }

    /**
     * Long fields write LongNodes while the parsers read small integers as IntNodes, and
     * {@code IntNode(5).equals(LongNode(5))} is false; integers that fit an int become IntNodes so a
     * round trip compares equal with {@code equals}.
     */
    private static <T extends JsonNode> T normalizeInts(T node) {
        if (node instanceof ObjectNode o) {
            java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isLong() && v.canConvertToInt()) {
                    e.setValue(com.fasterxml.jackson.databind.node.IntNode.valueOf(v.intValue()));
                } else {
                    normalizeInts(v);
                }
            }
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = a.get(i);
                if (v.isLong() && v.canConvertToInt()) {
                    a.set(i, com.fasterxml.jackson.databind.node.IntNode.valueOf(v.intValue()));
                } else {
                    normalizeInts(v);
                }
            }
        }
        return node;
    }

    /** A deep copy, typed as ObjectNode. */
    public static ObjectNode copy(ObjectNode node) {
        return node.deepCopy();
    }

    /** The text at a dotted path ({@code metadata.name}), or null when absent or not text. */
    public static String text(JsonNode node, String dottedPath) {
        JsonNode cur = node;
        for (String part : dottedPath.split("\\.")) {
            if (cur == null) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur == null || !cur.isValueNode() || cur.isNull() ? null : cur.asText();
    }

    /** Jackson's path (spec -> vms -> [0]) as {@code spec.vms[0]}. */
    static String fieldPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "<root>" : sb.toString();
    }
}
