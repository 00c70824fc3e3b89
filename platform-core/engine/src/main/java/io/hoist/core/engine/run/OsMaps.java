package io.hoist.core.engine.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.ControllerSettings;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.store.ResourceStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * MTV's OS maps: a source's guest OS id → the KubeVirt preference of the target. The ConfigMap the ForkliftController
 * names ({@code vsphere_osmap_configmap_name}, {@code ovirt_osmap_configmap_name}; MTV's defaults
 * {@code forklift-vsphere-osmap}, {@code forklift-ovirt-osmap}) in the ForkliftController's namespace wins; without
 * it, MTV's own default map for the type. Any other source type uses the map its plugin ships
 * ({@link io.hoist.api.provider.ShipsOsMap}; MTV names no ConfigMap for those), else none.
 */
public final class OsMaps {
    /** The map to use, and why it is not the one the settings name (a named ConfigMap that does not exist). */
    public record Resolved(Map<String, String> map, Optional<String> problem) {}

    private static final Map<String, Map<String, String>> DEFAULTS = Map.of(
            Provider.TYPE_VSPHERE, load("vsphere"), Provider.TYPE_OVIRT, load("ovirt"));

    private OsMaps() {}

    public static Resolved forType(ResourceStore store, String providerType) {
        return forType(store, providerType, Map.of());
    }

    /**
     * @param shipped the map the source type's plugin ships, used when the engine has none of its own for the type
     */
    public static Resolved forType(ResourceStore store, String providerType, Map<String, String> shipped) {
        Map<String, String> fallback = DEFAULTS.get(providerType);
        if (fallback == null) {
            return new Resolved(shipped == null ? Map.of() : Map.copyOf(shipped), Optional.empty());
        }
        List<ObjectNode> controllers = store.list(ResourceKind.FORKLIFT_CONTROLLER, null);
        ObjectNode controller = controllers.isEmpty() ? null : controllers.get(0);
        ControllerSettings settings = ControllerSettings.from(controller);
        String setting = Provider.TYPE_VSPHERE.equals(providerType)
                ? ControllerSettings.VSPHERE_OSMAP_CONFIGMAP_NAME : ControllerSettings.OVIRT_OSMAP_CONFIGMAP_NAME;
        String name = Provider.TYPE_VSPHERE.equals(providerType)
                ? settings.vsphereOsmapConfigMapName() : settings.ovirtOsmapConfigMapName();
        String namespace = controller == null ? null : controller.path("metadata").path("namespace").asText(null);
        Optional<ObjectNode> configMap = namespace != null
                ? store.get(ResourceKind.CONFIG_MAP, namespace, name)
                : store.list(ResourceKind.CONFIG_MAP, null).stream()
                        .filter(c -> name.equals(c.path("metadata").path("name").asText()))
                        .min(Comparator.comparing(c -> c.path("metadata").path("namespace").asText()));
        if (configMap.isPresent()) {
            Map<String, String> out = new LinkedHashMap<>();
            configMap.get().path("data").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return new Resolved(out, Optional.empty());
        }
        boolean named = settings.raw(setting).isPresent();
        return new Resolved(fallback, named ? Optional.of("ConfigMap " + name + " named by " + setting + " does not exist"
                + (namespace == null ? "" : " in " + namespace) + "; MTV's default OS map is used") : Optional.empty());
    }

    /** MTV's default map for a source type (empty for types without one). */
    public static Map<String, String> defaults(String providerType) {
        return DEFAULTS.getOrDefault(providerType, Map.of());
    }

    private static Map<String, String> load(String type) {
        Properties p = new Properties();
        try (InputStream in = OsMaps.class.getResourceAsStream("/io/hoist/core/engine/osmap/" + type + ".properties")) {
            if (in == null) {
                throw new IllegalStateException("the default " + type + " OS map is missing from the engine jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return Map.copyOf(out);
    }
}
