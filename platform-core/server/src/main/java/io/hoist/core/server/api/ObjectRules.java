package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Cause;
import io.hoist.core.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Structural checks the API makes before admission: names, namespaces, metadata types, and that the
 * body's kind and apiVersion match the URL. Messages never echo a rejected value (it may be huge, or
 * a secret).
 */
final class ObjectRules {
    private ObjectRules() {}

    static boolean isName(String s) {
        return s != null && io.hoist.core.model.Names.isSubdomain(s);
    }

    static boolean isNamespace(String s) {
        return s != null && io.hoist.core.model.Names.isLabel(s);
    }

    static String urlNamespace(String ns) {
        if (!isNamespace(ns)) {
            throw ApiException.badRequest("invalid namespace in URL: must be a lower-case RFC 1123 label"
                    + " (a-z, 0-9, '-'; at most 63 characters)");
        }
        return ns;
    }

    static String urlName(String name) {
        if (!isName(name)) {
            throw ApiException.badRequest("invalid name in URL: must be a lower-case RFC 1123 subdomain"
                    + " (a-z, 0-9, '-', '.'; at most 253 characters)");
        }
        return name;
    }

    /**
     * Checks kind, apiVersion and metadata; fills in kind, apiVersion and namespace when absent.
     * Returns metadata (created when missing).
     */
    static ObjectNode checkEnvelope(ResourceKind kind, ObjectNode obj, String urlNamespace) {
        List<Cause> causes = new ArrayList<>();
        JsonNode k = obj.get("kind");
        if (k != null && !(k.isTextual() && k.asText().equals(kind.kind()))) {
            causes.add(Cause.invalid("kind", "must be " + kind.kind() + " to match the URL"));
        }
        JsonNode av = obj.get("apiVersion");
        if (av != null && !(av.isTextual() && av.asText().equals(kind.apiVersion()))) {
            causes.add(Cause.invalid("apiVersion", "must be " + kind.apiVersion() + " to match the URL"));
        }
        JsonNode m = obj.get("metadata");
        if (m != null && !m.isObject()) {
            causes.add(Cause.invalid("metadata", "must be an object"));
            throw invalid(kind, null, causes);
        }
        ObjectNode meta = m == null ? obj.putObject("metadata") : (ObjectNode) m;
        for (String f : List.of("name", "generateName", "namespace", "resourceVersion", "uid", "creationTimestamp")) {
            JsonNode v = meta.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                causes.add(Cause.invalid("metadata." + f, "must be a string"));
            }
        }
        for (String f : List.of("labels", "annotations")) {
            JsonNode v = meta.get(f);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isObject()) {
                causes.add(Cause.invalid("metadata." + f, "must be an object of string values"));
                continue;
            }
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) v::fields) {
                if (!e.getValue().isTextual()) {
                    causes.add(Cause.invalid("metadata." + f + "[" + safeKey(e.getKey()) + "]", "must be a string"));
                }
            }
        }
        JsonNode ns = meta.get("namespace");
        if (ns != null && ns.isTextual() && !ns.asText().isEmpty() && !ns.asText().equals(urlNamespace)) {
            throw ApiException.badRequest("the namespace of the object does not match the namespace in the URL");
        }
        if (!causes.isEmpty()) {
            throw invalid(kind, textOrNull(meta, "name"), causes);
        }
        obj.put("apiVersion", kind.apiVersion());
        obj.put("kind", kind.kind());
        meta.put("namespace", urlNamespace);
        return meta;
    }

    /** What is wrong with {@code metadata.name} on create (empty when nothing). */
    static List<Cause> nameCauses(ObjectNode meta) {
        String name = textOrNull(meta, "name");
        if (name == null || name.isEmpty()) {
            return List.of(Cause.required("metadata.name", "name or generateName is required"));
        }
        if (!isName(name)) {
            return List.of(Cause.invalid("metadata.name",
                    "must be a lower-case RFC 1123 subdomain (a-z, 0-9, '-', '.'; at most 253 characters)"));
        }
        return List.of();
    }

    static ApiException invalid(ResourceKind kind, String name, List<Cause> causes) {
        String who = kind.kind() + (name != null && isName(name) ? " \"" + name + "\"" : "");
        StringBuilder msg = new StringBuilder(who).append(" is invalid: ");
        for (int i = 0; i < causes.size(); i++) {
            msg.append(i == 0 ? "" : ", ").append(causes.get(i).field()).append(": ").append(causes.get(i).message());
        }
        return ApiException.invalid(msg.toString(), causes);
    }

    static String textOrNull(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** Keys may be attacker-sized: cut them so an error stays small. */
    static String safeKey(String key) {
        return key.length() > 64 ? key.substring(0, 64) + "..." : key;
    }
}
