package io.hoist.api.host;

import java.util.Map;

/** The live ForkliftController settings ({@code controller_*}); ask at each use: the answer follows every change. */
public interface Settings {
    Map<String, String> snapshot();

    default String get(String key, String fallback) {
        return snapshot().getOrDefault(key, fallback);
    }

    default long getLong(String key, long fallback) {
        String v = snapshot().get(key);
        try {
            return v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
