package io.hoist.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.core.model.Manifests;

/** YAML and JSON rendering of API objects, as kubectl prints them. */
public final class Formats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Formats() {}

    public static String yaml(JsonNode node) {
        return Manifests.toYaml(node);
    }

    public static String json(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
