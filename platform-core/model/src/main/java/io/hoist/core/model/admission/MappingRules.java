package io.hoist.core.model.admission;

import io.hoist.core.model.Names;
import io.hoist.core.model.meta.ProviderPair;
import io.hoist.core.model.meta.SourceRef;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.StorageMap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** NetworkMap and StorageMap rules. */
final class MappingRules {
    private MappingRules() {
    }

    static void checkNetworkMap(NetworkMap map, Problems p) {
        if (map.spec == null) {
            p.required("spec", "Required value");
            return;
        }
        checkProviders(map.spec.provider, p);
        List<NetworkMap.Pair> pairs = map.spec.map;
        if (pairs == null) {
            return; // required by the schema
        }
        Map<String, Integer> sources = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            NetworkMap.Pair pair = pairs.get(i);
            String at = "spec.map[" + i + "]";
            if (pair == null) {
                p.required(at, "Required value");
                continue;
            }
            checkSource(pair.source, at + ".source", sources, i, p, true);
            NetworkMap.Destination d = pair.destination;
            if (d == null || d.type == null) {
                continue; // required by the schema
            }
            switch (d.type) {
                case NetworkMap.DESTINATION_MULTUS -> {
                    if (Problems.blank(d.name)) {
                        p.required(at + ".destination.name",
                                "Required value: the NetworkAttachmentDefinition name (type multus)");
                    } else {
                        Names.checkSubdomain(d.name).ifPresent(m -> p.invalid(at + ".destination.name",
                                "Invalid value: \"" + d.name + "\": " + m));
                    }
                    if (Problems.blank(d.namespace)) {
                        p.required(at + ".destination.namespace",
                                "Required value: the NetworkAttachmentDefinition namespace (type multus)");
                    } else {
                        Names.checkLabel(d.namespace).ifPresent(m -> p.invalid(at + ".destination.namespace",
                                "Invalid value: \"" + d.namespace + "\": " + m));
                    }
                }
                case NetworkMap.DESTINATION_POD, NetworkMap.DESTINATION_IGNORED -> { }
                default -> p.notSupported(at + ".destination.type", "Unsupported value: \"" + d.type
                        + "\": supported values: \"pod\", \"multus\", \"ignored\"");
            }
        }
    }

    static void checkStorageMap(StorageMap map, Problems p) {
        if (map.spec == null) {
            p.required("spec", "Required value");
            return;
        }
        checkProviders(map.spec.provider, p);
        List<StorageMap.Pair> pairs = map.spec.map;
        if (pairs == null) {
            return;
        }
        Map<String, Integer> sources = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            StorageMap.Pair pair = pairs.get(i);
            String at = "spec.map[" + i + "]";
            if (pair == null) {
                p.required(at, "Required value");
                continue;
            }
            checkSource(pair.source, at + ".source", sources, i, p, false);
            StorageMap.Destination d = pair.destination;
            if (d != null) {
                if (d.storageClass != null && !d.storageClass.isEmpty()) {
                    Names.checkSubdomain(d.storageClass).ifPresent(m -> p.invalid(at + ".destination.storageClass",
                            "Invalid value: \"" + d.storageClass + "\": " + m));
                }
                if (d.accessMode != null && !List.of("ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany").contains(d.accessMode)) {
                    p.notSupported(at + ".destination.accessMode", "Unsupported value: \"" + d.accessMode
                            + "\": supported values: \"ReadWriteOnce\", \"ReadWriteMany\", \"ReadOnlyMany\"");
                }
                if (d.volumeMode != null && !List.of("Filesystem", "Block").contains(d.volumeMode)) {
                    p.notSupported(at + ".destination.volumeMode", "Unsupported value: \"" + d.volumeMode
                            + "\": supported values: \"Filesystem\", \"Block\"");
                }
            }
            if (pair.offloadPlugin != null && pair.offloadPlugin.vsphereXcopyConfig != null
                    && pair.offloadPlugin.csiVolumeImport != null) {
                p.forbidden(at + ".offloadPlugin", "set either vsphereXcopyConfig or csiVolumeImport, not both");
            }
        }
    }

    private static void checkProviders(ProviderPair pair, Problems p) {
        if (pair == null) {
            return; // required by the schema
        }
        if (pair.source == null || Problems.blank(pair.source.name)) {
            p.required("spec.provider.source.name", "Required value: the name of the source provider");
        }
        if (pair.destination == null || Problems.blank(pair.destination.name)) {
            p.required("spec.provider.destination.name", "Required value: the name of the destination provider");
        }
    }

    /** A source by id or name (or by type, e.g. the pod network of a KubeVirt source); each source mapped once. */
    private static void checkSource(SourceRef source, String at, Map<String, Integer> seen, int index, Problems p,
                                    boolean typeIdentifies) {
        if (source == null || (Problems.blank(source.id) && Problems.blank(source.name)
                && (!typeIdentifies || Problems.blank(source.type)))) {
            p.required(at + ".id", "Required value: a source is identified by id or name");
            return;
        }
        String key = !Problems.blank(source.id) ? "id:" + source.id
                : !Problems.blank(source.name) ? "name:" + (source.namespace == null ? "" : source.namespace + "/") + source.name
                : "type:" + source.type;
        if (source instanceof io.hoist.core.model.resource.NetworkMap.Source n && n.vlan != null) {
            key += "/vlan:" + n.vlan;
        }
        Integer first = seen.putIfAbsent(key, index);
        if (first != null) {
            p.duplicate(at, "Duplicate value: the same source is mapped by spec.map[" + first + "]");
        }
    }
}
