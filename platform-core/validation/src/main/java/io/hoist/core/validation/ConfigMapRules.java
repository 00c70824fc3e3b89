package io.hoist.core.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.validation.rules.RuleSetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /**
     * Applies the existing ConfigMaps, then follows changes; close the returned handle to stop. The store's
     * watch callback only queues the change: rules are compiled and trial-evaluated on the validation service's
     * own threads, never inside the store's commit (a slow or hostile rule set cannot hold up any write), and the
     * ConfigMaps present at startup are applied in the background (they cannot block the platform's start).
     */
    public static AutoCloseable follow(ResourceStore store, ValidationService service, String name) {
        ExecutorService queue = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hoist-validation-configmaps");
            t.setDaemon(true);
            return t;
        });
        long since = store.currentVersion();
        List<ObjectNode> existing = store.list(ResourceKind.CONFIG_MAP, null);
        queue.execute(() -> existing.forEach(cm -> apply(service, name, "ADDED", cm)));
        ResourceStore.Watch watch = store.watch(ResourceKind.CONFIG_MAP, null, since, e -> {
            if (name.equals(e.object().path("metadata").path("name").asText())) {
                queue.execute(() -> apply(service, name, e.type(), e.object()));
            }
        });
        return () -> {
            watch.close();
            queue.shutdownNow();
        };
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
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "ConfigMap " + key + " could not be applied", e);
        }
    }
}
