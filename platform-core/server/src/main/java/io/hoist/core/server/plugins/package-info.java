/**
 * The PF4J plugin host.
 *
 * <ul>
 *   <li>{@link io.hoist.core.server.plugins.PluginHost#start} loads the plugin jars of {@code DATA/plugins}
 *       and of the built-in directory (system property {@code hoist.plugins.dir}, set by {@code ./hoist}
 *       to {@code dist/plugins}), starts them and creates each extension once. A plugin id present in both
 *       is loaded from {@code DATA/plugins} (so an operator can replace a built-in plugin); PF4J logs the
 *       skipped copy.</li>
 *   <li>A plugin names the plugin API it needs in its manifest's {@code Plugin-Requires}. A plain
 *       {@code X.Y.Z} is read as a caret range (same major, not newer than {@link io.hoist.api.PluginApi#VERSION});
 *       any other value is a PF4J/semver range. A missing or unmet requirement is refused with a message such as
 *       {@code plugin 'x' refused: it requires plugin API 3.0.0 but this platform provides plugin API 2.1.0}
 *       ({@link io.hoist.core.server.plugins.ApiCompatibility}). PF4J's own default would accept a 1.x plugin
 *       on a 2.x platform.</li>
 *   <li>{@link io.hoist.core.server.plugins.PluginProviderChecks} gives MTV's admission the Provider checks of the
 *       plugins serving each type (ability {@code ChecksProviderSpec}): their answers are the 422's causes.</li>
 *   <li>A refused plugin, one whose {@code Plugin.start()} throws, or one whose extensions cannot be created
 *       is FAILED with its reason; the platform and the other plugins keep running.</li>
 *   <li>Every extension handed out ({@code sourceFactories()}, {@code destinationFactories()},
 *       {@code hookRunners()}, {@code guestConverters()}) is a proxy from {@link io.hoist.core.server.plugins.PluginCalls}:
 *       each call runs with the plugin's class loader as context class loader, and any failure comes back as a
 *       {@link io.hoist.api.HoistException} naming the plugin (the plugin's own HoistException keeps its type and
 *       code, anything else is INTERNAL). Plugin-API objects returned by those calls (a SourceProvider, a
 *       DiskReader) are wrapped the same way, keeping every plugin-API interface they implement.</li>
 *   <li>{@link io.hoist.core.server.plugins.PluginRoutes} serves {@code GET /api/v1/plugins}: each plugin with
 *       its state, error and extension points (point, class, provider type or runner name).</li>
 * </ul>
 *
 * <p>Tests build real third-party plugin jars at test time ({@code PluginJarBuilder}: javax.tools, a PF4J
 * manifest and {@code META-INF/extensions.idx}) into temporary directories:
 * {@code mvn -q -pl platform-core/server -am test -Dtest='PluginHostTest,PluginsOnHoistServerTest'}.
 */
package io.hoist.core.server.plugins;
