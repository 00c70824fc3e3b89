package io.hoist.plugin.kubevirt.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.Map;

/** Manifests to and from YAML (and JSON, which the cluster client takes). */
public final class ManifestYaml {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            // Every string quoted: YAML 1.1 readers take an unquoted all-digit MAC (52:54:00:12:34:56)
            // for a base-60 integer, and "yes"/"on" for booleans.
            .build());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestYaml() {}

    public static String toYaml(Map<String, Object> manifest) {
        try {
            return YAML.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest maps hold only strings, numbers, maps and lists", e);
        }
    }

    public static String toJson(Map<String, Object> manifest) {
        try {
            return JSON.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest maps hold only strings, numbers, maps and lists", e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> fromYaml(String yaml) throws JsonProcessingException {
        return YAML.readValue(yaml, Map.class);
    }
}
