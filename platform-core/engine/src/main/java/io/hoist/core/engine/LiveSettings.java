package io.hoist.core.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.host.Settings;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.store.ResourceStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ForkliftController as live settings: a change applies to running migrations without a restart. It is read
 * from the store once per change (a {@link WatchedReads} on its kind), not at every use: the transfer scheduler asks
 * for its limits on every decision and each VM's target spec for the transfer network, thousands of store lists per
 * second in a big plan. With several ForkliftController objects the first (by namespace, name) wins, as there is one
 * per installation.
 */
public final class LiveSettings implements Settings, AutoCloseable {
    private final ResourceStore store;
    private final WatchedReads reads;

    public LiveSettings(ResourceStore store) {
        this.store = store;
        this.reads = new WatchedReads(store, ResourceKind.FORKLIFT_CONTROLLER);
    }

    /** The ForkliftController in force (shared: read it, do not modify it), empty for none. */
    public Optional<ObjectNode> controller() {
        return reads.get("controller", () -> {
            List<ObjectNode> all = store.list(ResourceKind.FORKLIFT_CONTROLLER, null);
            return all.isEmpty() ? Optional.<ObjectNode>empty() : Optional.of(all.get(0));
        });
    }

    /** Its settings, parsed once per change. */
    public ControllerSettings controllerSettings() {
        return reads.get("settings", () -> ControllerSettings.from(controller().orElse(null)));
    }

    /** The spec's plain values (unmodifiable; the same map until the ForkliftController changes). */
    @Override
    public Map<String, String> snapshot() {
        return reads.get("snapshot", () -> {
            Map<String, String> out = new HashMap<>();
            controller().ifPresent(c -> c.path("spec").fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }));
            return Map.copyOf(out);
        });
    }

    @Override
    public void close() {
        reads.close();
    }
}
