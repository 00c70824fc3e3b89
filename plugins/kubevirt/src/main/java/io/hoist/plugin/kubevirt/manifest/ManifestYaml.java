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
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
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
