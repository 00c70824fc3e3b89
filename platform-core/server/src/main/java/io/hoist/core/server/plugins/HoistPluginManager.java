package io.hoist.core.server.plugins;

import io.hoist.api.PluginApi;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginWrapper;

/**
 * PF4J's manager with Hoist's plugin-API check: a plugin whose {@code Plugin-Requires} does not fit
 * {@link PluginApi#VERSION} is left DISABLED (so PF4J never starts it) and its reason is kept for
 * {@code hoist plugins}.
 */
final class HoistPluginManager extends DefaultPluginManager {
    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    HoistPluginManager(List<Path> roots) {
        super(roots);
        setSystemVersion(PluginApi.VERSION);
    }

    @Override
    protected boolean isPluginValid(PluginWrapper plugin) {
        Optional<String> refusal = ApiCompatibility.check(plugin.getPluginId(), plugin.getDescriptor().getRequires(),
                getSystemVersion(), getVersionManager());
        refusal.ifPresent(reason -> refusals.put(plugin.getPluginId(), reason));
        return refusal.isEmpty();
    }

    Optional<String> refusal(String pluginId) {
        return Optional.ofNullable(refusals.get(pluginId));
    }
}
