package io.hoist.core.server.plugins;

import io.hoist.api.PluginApi;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginStatusProvider;
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

    /**
     * No implicit roots: PF4J falls back to {@code ./plugins} (or {@code -Dpf4j.pluginsDir}) when given none,
     * which from the repository root is the plugins' source tree. Hoist names its directories explicitly.
     */
    @Override
    protected List<Path> createPluginsRoot() {
        return List.of();
    }

    /** PF4J keeps enabled.txt/disabled.txt in the first root; with no root there is nothing to disable. */
    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        if (!pluginsRoots.isEmpty()) {
            return super.createPluginStatusProvider();
        }
        return new PluginStatusProvider() {
            @Override
            public boolean isPluginDisabled(String pluginId) {
                return false;
            }

            @Override
            public void disablePlugin(String pluginId) {
                throw new UnsupportedOperationException("no plugins directory to record it in");
            }

            @Override
            public void enablePlugin(String pluginId) {}
        };
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
