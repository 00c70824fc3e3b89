package io.hoist.core.server.plugins;

import io.hoist.api.PluginApi;
import io.hoist.api.convert.GuestConverter;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.ProviderFactory;
import io.hoist.api.provider.SourceProviderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads the PF4J plugins at start and hands their extensions to the engine. Every extension returned
 * here is guarded by {@link PluginCalls}: calls run with the plugin's context class loader and failures
 * come back as HoistException naming the plugin. A plugin that is refused (API mismatch), fails to start
 * or fails to create an extension is FAILED; the others and the platform keep running.
 *
 * <p>Extensions are created once, at start: PF4J's default factory makes a new instance per lookup, and
 * factories are meant to be long-lived.
 */
public final class PluginHost implements AutoCloseable {
    /** System property naming the built-in plugins directory; the {@code ./hoist} launcher sets it to dist/plugins. */
    public static final String BUILTIN_DIR_PROPERTY = "hoist.plugins.dir";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PluginHost.class);

    private final HoistPluginManager manager;
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final List<Loaded<SourceProviderFactory>> sources = new ArrayList<>();
    private final List<Loaded<DestinationProviderFactory>> destinations = new ArrayList<>();
    private final List<Loaded<HookRunner>> hooks = new ArrayList<>();
    private final List<Loaded<GuestConverter>> converters = new ArrayList<>();

    private record Loaded<T>(String pluginId, String className, String type, T extension) {}

    private PluginHost(HoistPluginManager manager) {
        this.manager = manager;
    }

    /**
     * Loads and starts the plugins found in {@code roots} (missing directories are skipped), typically
     * {@code DATA/plugins} and the built-in directory from {@link #builtinDir()}.
     */
    public static PluginHost start(List<Path> roots) {
        List<Path> existing = roots.stream().filter(Objects::nonNull).filter(Files::isDirectory).distinct().toList();
        PluginHost host = new PluginHost(new HoistPluginManager(existing));
        host.load();
        return host;
    }

    /** The built-in plugins directory named by {@value #BUILTIN_DIR_PROPERTY}, or null when unset. */
    public static Path builtinDir() {
        String dir = System.getProperty(BUILTIN_DIR_PROPERTY);
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    private void load() {
        if (!manager.getPluginsRoots().isEmpty()) {
            manager.loadPlugins();
            manager.startPlugins();
        }
        for (PluginWrapper plugin : manager.getPlugins()) {
            manager.refusal(plugin.getPluginId()).ifPresent(reason -> fail(plugin, reason));
            if (plugin.getPluginState() == PluginState.FAILED && !failures.containsKey(plugin.getPluginId())) {
                Throwable t = plugin.getFailedException();
                fail(plugin, "plugin '" + plugin.getPluginId() + "' failed to start: "
                        + (t == null ? "unknown error" : t.getClass().getSimpleName() + ": " + t.getMessage()));
            }
        }
        for (PluginWrapper plugin : manager.getStartedPlugins()) {
            try {
                List<Loaded<SourceProviderFactory>> s = create(plugin, SourceProviderFactory.class, ProviderFactory::type);
                List<Loaded<DestinationProviderFactory>> d = create(plugin, DestinationProviderFactory.class, ProviderFactory::type);
                List<Loaded<HookRunner>> h = create(plugin, HookRunner.class, HookRunner::name);
                List<Loaded<GuestConverter>> c = create(plugin, GuestConverter.class, GuestConverter::name);
                sources.addAll(s);
                destinations.addAll(d);
                hooks.addAll(h);
                converters.addAll(c);
            } catch (RuntimeException e) {
                // All or nothing per plugin: half a plugin would confuse provider selection.
                fail(plugin, e.getMessage());
                plugin.setPluginState(PluginState.FAILED);
                plugin.setFailedException(e);
            }
        }
    }

    private <T> List<Loaded<T>> create(PluginWrapper plugin, Class<T> point, Function<T, String> typeOf) {
        String id = plugin.getPluginId();
        ClassLoader loader = plugin.getPluginClassLoader();
        List<Loaded<T>> out = new ArrayList<>();
        for (Class<? extends T> cls : manager.getExtensionClasses(point, id)) {
            T raw = PluginCalls.call(id, loader, "creating extension " + cls.getName(),
                    () -> point.cast(manager.getExtensionFactory().create(cls)));
            T guarded = PluginCalls.guard(id, loader, point, raw);
            out.add(new Loaded<>(id, cls.getName(), typeOf.apply(guarded), guarded));
        }
        return out;
    }

    private void fail(PluginWrapper plugin, String reason) {
        failures.put(plugin.getPluginId(), reason);
        LOG.warn(reason);
    }

    // ---- what the engine uses ----

    /** A source plugin's default validation rules (ability ShipsValidationRules) and the loader to read them with. */
    public record ShippedRules(String pluginId, String providerType, io.hoist.api.validation.ValidationRules rules,
                               ClassLoader loader) {}

    /** The rule packages the source plugins ship; a plugin failing to answer is logged and left out. */
    public List<ShippedRules> shippedValidationRules() {
        List<ShippedRules> out = new ArrayList<>();
        for (Loaded<SourceProviderFactory> l : sources) {
            if (l.extension() instanceof io.hoist.api.validation.ShipsValidationRules s) {
                try {
                    io.hoist.api.validation.ValidationRules r = s.validationRules();
                    out.add(new ShippedRules(l.pluginId(), l.type(), r, manager.getPlugin(l.pluginId()).getPluginClassLoader()));
                } catch (RuntimeException e) {
                    LOG.warn("plugin {}: its validation rules were left out: {}", l.pluginId(), e.getMessage());
                }
            }
        }
        return out;
    }

    public List<SourceProviderFactory> sourceFactories() {
        return sources.stream().map(Loaded::extension).toList();
    }

    public List<DestinationProviderFactory> destinationFactories() {
        return destinations.stream().map(Loaded::extension).toList();
    }

    public List<HookRunner> hookRunners() {
        return hooks.stream().map(Loaded::extension).toList();
    }

    public List<GuestConverter> guestConverters() {
        return converters.stream().map(Loaded::extension).toList();
    }

    /**
     * Runs {@code call} as plugin {@code pluginId} (its context class loader, failures as HoistException
     * naming it), for plugin code reached other than through a guarded extension.
     */
    public <T> T call(String pluginId, String operation, Callable<T> call) {
        PluginWrapper plugin = manager.getPlugin(pluginId);
        if (plugin == null) {
            throw new IllegalArgumentException("no plugin '" + pluginId + "'");
        }
        return PluginCalls.call(pluginId, plugin.getPluginClassLoader(), operation, call);
    }

    /** Every plugin found, with its state and extensions, by id. */
    public List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>();
        for (PluginWrapper plugin : manager.getPlugins()) {
            String id = plugin.getPluginId();
            String error = failures.get(id);
            String state = error != null ? PluginState.FAILED.name() : plugin.getPluginState().name();
            List<PluginInfo.ExtensionInfo> extensions = new ArrayList<>();
            if (error == null) {
                addInfo(extensions, id, "SourceProviderFactory", sources);
                addInfo(extensions, id, "DestinationProviderFactory", destinations);
                addInfo(extensions, id, "HookRunner", hooks);
                addInfo(extensions, id, "GuestConverter", converters);
            }
            var d = plugin.getDescriptor();
            out.add(new PluginInfo(id, d.getVersion(), state, d.getRequires(), d.getProvider(),
                    d.getPluginDescription(), plugin.getPluginPath().toString(), error, extensions));
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    private static void addInfo(List<PluginInfo.ExtensionInfo> out, String pluginId, String point, List<? extends Loaded<?>> loaded) {
        for (Loaded<?> l : loaded) {
            if (l.pluginId().equals(pluginId)) {
                out.add(new PluginInfo.ExtensionInfo(point, l.className(), l.type()));
            }
        }
    }

    /** The plugin API version this platform provides. */
    public String apiVersion() {
        return PluginApi.VERSION;
    }

    /** Stops every started plugin. */
    @Override
    public void close() {
        manager.stopPlugins();
    }
}
