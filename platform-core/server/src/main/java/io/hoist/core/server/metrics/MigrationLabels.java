package io.hoist.core.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * MTV's label values for a plan, as forklift's metrics collector derives them: {@code provider} is the source
 * provider's type, {@code mode} Warm or Cold, {@code target} Remote for a destination reached over a cluster API
 * URL, Local for one without a URL (this cluster, as in MTV) or a {@code file://} folder on this machine.
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
        // Remote: another cluster's API. No URL (this cluster) or a file:// folder on this machine is Local.
        String url = destination == null ? "" : destination.path("spec").path("url").asText("");
        String target = url.startsWith("http://") || url.startsWith("https://") ? "Remote" : "Local";
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
