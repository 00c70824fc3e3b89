package io.hoist.plugin.kubevirt.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.util.Map;
import java.util.regex.Pattern;

/** Manifests to and from YAML (and JSON, which the cluster client takes). */
public final class ManifestYaml {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            // As kubectl writes YAML: strings bare unless a YAML 1.1 reader would take them for something else
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .stringQuotingChecker(new Yaml11Safe())
            .build());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestYaml() {}

    /**
     * Jackson's checks (booleans such as yes/on, null, numbers, special characters) plus YAML 1.1's base-60
     * numbers: an all-digit MAC such as 52:54:00:12:34:56 is an integer to a YAML 1.1 reader, so it stays quoted
     * (go-yaml, behind kubectl, quotes the same strings).
     */
    static final class Yaml11Safe extends StringQuotingChecker.Default {
        private static final Pattern BASE_60 = Pattern.compile("[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || BASE_60.matcher(value).matches();
        }
    }

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
