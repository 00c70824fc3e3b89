package io.hoist.core.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * MTV's label values for a plan, as forklift's metrics collector derives them: {@code provider} is the source
 * provider's type, {@code mode} Warm or Cold, {@code target} Local (destination without a URL: this cluster) or
 * Remote.
 */
record MigrationLabels(String provider, String mode, String target) {
    static final String UNKNOWN = "unknown";

    /** Providers keyed {@code namespace/name}. */
    static MigrationLabels of(JsonNode plan, Map<String, JsonNode> providers) {
        String ns = plan.path("metadata").path("namespace").asText();
        JsonNode spec = plan.path("spec");
        JsonNode source = providers.get(ref(spec.path("provider").path("source"), ns));
        JsonNode destination = providers.get(ref(spec.path("provider").path("destination"), ns));
        String provider = source == null ? UNKNOWN : source.path("spec").path("type").asText(UNKNOWN);
        boolean warm = spec.path("warm").asBoolean(false) || "warm".equals(spec.path("type").asText());
        String target = destination == null || destination.path("spec").path("url").asText("").isEmpty() ? "Local" : "Remote";
        return new MigrationLabels(provider, warm ? "Warm" : "Cold", target);
    }

    static String ref(JsonNode ref, String defaultNamespace) {
        String ns = ref.path("namespace").asText("");
        return (ns.isEmpty() ? defaultNamespace : ns) + "/" + ref.path("name").asText("");
    }

    List<io.micrometer.core.instrument.Tag> tags() {
        return List.of(io.micrometer.core.instrument.Tag.of("provider", provider),
                io.micrometer.core.instrument.Tag.of("mode", mode), io.micrometer.core.instrument.Tag.of("target", target));
    }
}
