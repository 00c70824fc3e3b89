package io.hoist.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.host.Settings;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ForkliftController's {@code spec} as live settings: read from the store at every use, so a
 * change applies to running migrations without a restart. With several ForkliftController objects
 * the first (by namespace, name) wins, as there is one per installation.
 */
public final class LiveSettings implements Settings {
    private final ResourceStore store;

    public LiveSettings(ResourceStore store) {
        this.store = store;
    }

    @Override
    public Map<String, String> snapshot() {
        List<ObjectNode> all = store.list(ResourceKind.FORKLIFT_CONTROLLER, null);
        Map<String, String> out = new HashMap<>();
        if (!all.isEmpty()) {
            all.get(0).path("spec").fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }
}
