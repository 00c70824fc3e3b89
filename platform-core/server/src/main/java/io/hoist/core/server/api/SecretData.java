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
 * (base64) and {@code type} defaults to {@code Opaque}, as Kubernetes does. On the way out every {@code data}
 * value is replaced by an empty string: clients see which keys exist, never their values. Because a client may
 * send back what it read, an empty value on replace or patch means "keep the stored value"; remove a key to
 * delete it. Two annotations say what can be said honestly: {@value #SIZES} (each value's length in bytes) and
 * {@value #DIGEST} (an HMAC-SHA256 of the data under a key that never leaves this process), so a client can tell
 * an unchanged Secret from a changed one by comparing digests, e.g. with a dry run of what it would write.
 * Both are computed on every read and dropped from every write.
 */
final class SecretData {
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final String SIZES = "secrets.hoist.io/data-bytes";
    static final String DIGEST = "secrets.hoist.io/data-digest";
    private static final String SERVER_ANNOTATIONS = "secrets.hoist.io/";
    /** Random per process: a digest cannot be checked against guessed values outside the server. */
    private static final byte[] DIGEST_KEY = new java.security.SecureRandom().generateSeed(32);

    private SecretData() {}

    /** Normalizes an incoming Secret; {@code existing} is the stored one (unredacted) or null. */
    static List<Cause> normalize(ObjectNode secret, ObjectNode existing) {
        List<Cause> causes = new ArrayList<>();
        if (secret.path("metadata").get("annotations") instanceof ObjectNode annotations) {
            annotations.properties().removeIf(a -> a.getKey().startsWith(SERVER_ANNOTATIONS));
            if (annotations.isEmpty()) {
                ((ObjectNode) secret.get("metadata")).remove("annotations");
            }
        }
        JsonNode type = secret.get("type");
        if (type == null || type.isNull() || (type.isTextual() && type.asText().isEmpty())) {
            secret.put("type", "Opaque");
        }
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
        ObjectNode sizes = copy.objectNode();
        String digest = digest(data);
        if (data != null && data.isObject()) {
            keys(data).forEach(k -> {
                sizes.put(k, decodedLength(data.get(k).asText("")));
                ((ObjectNode) data).put(k, "");
            });
        }
        if (copy.get("metadata") instanceof ObjectNode meta) {
            ObjectNode ann = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
            if (ann.has(LAST_APPLIED)) {
                ann.put(LAST_APPLIED, "");
            }
            ann.put(SIZES, sizes.toString());
            ann.put(DIGEST, digest);
        }
        return copy;
    }

    /** HMAC-SHA256 over the data's keys and decoded values, in key order; hex. */
    static String digest(JsonNode data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(DIGEST_KEY, "HmacSHA256"));
            if (data != null && data.isObject()) {
                for (String k : keys(data)) {
                    byte[] key = k.getBytes(StandardCharsets.UTF_8);
                    byte[] value = decode(data.get(k).asText(""));
                    mac.update(java.nio.ByteBuffer.allocate(8).putInt(key.length).putInt(value.length).array());
                    mac.update(key);
                    mac.update(value);
                }
            }
            return java.util.HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static java.util.SortedSet<String> keys(JsonNode map) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        map.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static int decodedLength(String base64) {
        return decode(base64).length;
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return base64.getBytes(StandardCharsets.UTF_8); // never stored (admission checks base64); counted as text
        }
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
