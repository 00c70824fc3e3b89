package io.hoist.core.server.plugins;

import java.util.Optional;
import org.pf4j.VersionManager;

/**
 * Decides whether a plugin's {@code Plugin-Requires} fits this platform's plugin API version.
 * A plain version {@code X.Y.Z} means "API X.Y.Z or a later compatible one" (caret: same major,
 * not older); any other value is a PF4J/semver range such as {@code >=1.0.0 & <2.0.0}.
 * PF4J's own default (a plain version means ">= that version") would let a 1.0 plugin load on a
 * 2.0 platform whose interfaces changed, so plain versions are read as caret ranges here.
 */
final class ApiCompatibility {
    private ApiCompatibility() {}

    /** The reason a plugin is refused, or empty when it fits. */
    static Optional<String> check(String pluginId, String requires, String apiVersion, VersionManager versions) {
        String declared = requires == null ? "" : requires.trim();
        if (declared.isEmpty() || declared.equals("*")) {
            return Optional.of("plugin '" + pluginId + "' refused: it does not declare the plugin API version it needs"
                    + " (manifest Plugin-Requires); this platform provides plugin API " + apiVersion);
        }
        String constraint = declared.matches("\\d+\\.\\d+\\.\\d+") ? "^" + declared : declared;
        boolean fits;
        try {
            fits = versions.checkVersionConstraint(apiVersion, constraint);
        } catch (RuntimeException e) {
            return Optional.of("plugin '" + pluginId + "' refused: Plugin-Requires '" + declared
                    + "' is not a version or version range");
        }
        return fits ? Optional.empty() : Optional.of("plugin '" + pluginId + "' refused: it requires plugin API "
                + declared + " but this platform provides plugin API " + apiVersion);
    }
}
