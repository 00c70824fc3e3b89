package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.provider.KeepsGuestDevices;
import io.hoist.api.provider.ShipsOsMap;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.core.engine.WatchedReads;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.store.ResourceStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store-backed part of a {@link TargetSpecBuilder.Context}: the source type's OS map and the ForkliftController's
 * {@code controller_transfer_network}, and what the source type's plugin says of its guests ({@link ShipsOsMap},
 * {@link KeepsGuestDevices}). Plan validation and VM runs build their contexts here, so both decide the same target.
 * Settings and OS maps are live but read once per change of a ForkliftController or a ConfigMap ({@link WatchedReads}),
 * not per VM: a pass over a 5,000-VM plan listed the ForkliftControllers and read the OS map 5,000 times.
 */
public final class TargetContexts implements AutoCloseable {
    private final ResourceStore store;
    private final Extensions extensions;
    private final WatchedReads reads;

    public TargetContexts(ResourceStore store, Extensions extensions) {
        this.store = store;
        this.extensions = extensions;
        this.reads = new WatchedReads(store, ResourceKind.FORKLIFT_CONTROLLER, ResourceKind.CONFIG_MAP);
    }

    public TargetSpecBuilder.Context context(String sourceProviderUid, String sourceProviderType, String targetName,
                                             Set<String> copiedElsewhere) {
        Optional<SourceProviderFactory> factory = factory(sourceProviderType);
        OsMaps.Resolved os = osMap(sourceProviderType);
        return new TargetSpecBuilder.Context(sourceProviderUid, sourceProviderType, os.map(),
                settings().transferNetwork().orElse(null), targetName, copiedElsewhere,
                factory.filter(KeepsGuestDevices.class::isInstance).isPresent());
    }

    /** Why the OS map in use is not the one the settings name, if so (a plan Warn condition). */
    public Optional<String> osMapProblem(String sourceProviderType) {
        return osMap(sourceProviderType).problem();
    }

    /** The type's OS map as the settings, the ConfigMaps and its plugin give it now (the plugins do not change). */
    private OsMaps.Resolved osMap(String sourceProviderType) {
        return reads.get("osmap/" + sourceProviderType,
                () -> OsMaps.forType(store, sourceProviderType, shippedOsMap(factory(sourceProviderType))));
    }

    private Optional<SourceProviderFactory> factory(String type) {
        return extensions == null || type == null ? Optional.empty()
                : extensions.sourceFactories().stream().filter(f -> type.equals(f.type())).findFirst();
    }

    private Map<String, String> shippedOsMap(Optional<SourceProviderFactory> factory) {
        if (factory.isEmpty() || !(factory.get() instanceof ShipsOsMap ships)) {
            return Map.of();
        }
        try {
            return extensions.call(ships, ships::defaultOsMap);
        } catch (Exception e) {
            throw new IllegalStateException("the " + factory.get().type() + " plugin's OS map could not be read: "
                    + e.getMessage(), e);
        }
    }

    public ControllerSettings settings() {
        return reads.get("settings", () -> {
            List<ObjectNode> all = store.list(ResourceKind.FORKLIFT_CONTROLLER, null);
            return ControllerSettings.from(all.isEmpty() ? null : all.get(0));
        });
    }

    @Override
    public void close() {
        reads.close();
    }
}
