package io.hoist.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.validation.rules.RuleSetException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feeds ConfigMaps named like MTV's {@code forklift-validation-config} (in any namespace) from the resource
 * store to the validation service, so {@code hoist apply -f} of the seed's ConfigMap installs custom rules.
 * A refused ConfigMap is logged and kept in the service's errors; the previous rules stay active.
 */
public final class ConfigMapRules {
    public static final String DEFAULT_NAME = "forklift-validation-config";
    private static final System.Logger LOG = System.getLogger(ConfigMapRules.class.getName());

    private ConfigMapRules() {}

    /** Applies the existing ConfigMaps, then follows changes; close the returned watch to stop. */
    public static AutoCloseable follow(ResourceStore store, ValidationService service, String name) {
        long since = store.currentVersion();
        for (ObjectNode cm : store.list(ResourceKind.CONFIG_MAP, null)) {
            apply(service, name, "ADDED", cm);
        }
        ResourceStore.Watch watch = store.watch(ResourceKind.CONFIG_MAP, null, since,
                e -> apply(service, name, e.type(), e.object()));
        return watch::close;
    }

    private static void apply(ValidationService service, String name, String type, JsonNode cm) {
        JsonNode meta = cm.path("metadata");
        if (!name.equals(meta.path("name").asText())) {
            return;
        }
        String key = meta.path("namespace").asText() + "/" + name;
        try {
            if ("DELETED".equals(type)) {
                service.removeConfigMap(key);
                return;
            }
            Map<String, String> data = new LinkedHashMap<>();
            cm.path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
            service.applyConfigMap(key, data);
        } catch (RuleSetException e) {
            LOG.log(System.Logger.Level.ERROR, "ConfigMap " + key + " refused, previous rules stay active: " + e.getMessage());
        }
    }
}
