package io.hoist.core.model.resource;

import io.hoist.core.model.meta.KubeObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * v1 Secret. Values in {@code data} are base64; {@code stringData} is write-only plain text that wins
 * over {@code data}, as in Kubernetes. Never log or print a Secret.
 */
public class Secret extends KubeObject {
    public String type;
    public Map<String, String> data;
    public Map<String, String> stringData;
    public Boolean immutable;

    /** The decoded value of {@code key} from stringData or data. */
    public Optional<byte[]> value(String key) {
        if (stringData != null && stringData.containsKey(key) && stringData.get(key) != null) {
            return Optional.of(stringData.get(key).getBytes(StandardCharsets.UTF_8));
        }
        if (data != null && data.get(key) != null) {
            return Optional.of(Base64.getMimeDecoder().decode(data.get(key)));
        }
        return Optional.empty();
    }

    /** The decoded value of {@code key} as UTF-8 text. */
    public Optional<String> text(String key) {
        return value(key).map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
