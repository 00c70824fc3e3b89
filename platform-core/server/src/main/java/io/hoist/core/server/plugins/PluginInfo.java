package io.hoist.core.server.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One plugin as {@code GET /api/v1/plugins} and {@code hoist plugins} show it.
 *
 * @param state      PF4J's state (STARTED, STOPPED, DISABLED, ...) or FAILED for a plugin refused at
 *                   load (API mismatch) or failing to start or to create its extensions
 * @param error      why it is FAILED, or null
 * @param extensions the extension points it provides, empty unless STARTED
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginInfo(String id, String version, String state, String requires, String provider,
                         String description, String path, String error, List<ExtensionInfo> extensions) {
    public PluginInfo {
        extensions = List.copyOf(extensions);
    }

    /**
     * One extension a plugin provides.
     *
     * @param point     SourceProviderFactory, DestinationProviderFactory, HookRunner or GuestConverter
     * @param className the implementing class
     * @param type      the Provider type served (provider factories) or the runner/converter name
     */
    public record ExtensionInfo(String point, String className, String type) {}
}
