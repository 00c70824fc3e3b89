package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.store.ResourceStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The store-backed part of a {@link TargetSpecBuilder.Context}: the source type's OS map and the ForkliftController's
 * {@code controller_transfer_network}, read at each use (settings are live). Plan validation and VM runs build their
 * contexts here, so both decide the same target.
 */
public final class TargetContexts {
    private final ResourceStore store;

    public TargetContexts(ResourceStore store) {
        this.store = store;
    }

    public TargetSpecBuilder.Context context(String sourceProviderUid, String sourceProviderType, String targetName,
                                             Set<String> copiedElsewhere) {
        OsMaps.Resolved os = OsMaps.forType(store, sourceProviderType);
        return new TargetSpecBuilder.Context(sourceProviderUid, sourceProviderType, os.map(),
                settings().transferNetwork().orElse(null), targetName, copiedElsewhere);
    }

    /** Why the OS map in use is not the one the settings name, if so (a plan Warn condition). */
    public Optional<String> osMapProblem(String sourceProviderType) {
        return OsMaps.forType(store, sourceProviderType).problem();
    }

    public ControllerSettings settings() {
        List<ObjectNode> all = store.list(ResourceKind.FORKLIFT_CONTROLLER, null);
        return ControllerSettings.from(all.isEmpty() ? null : all.get(0));
    }
}
