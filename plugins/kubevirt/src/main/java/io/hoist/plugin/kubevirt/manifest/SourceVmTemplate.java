package io.hoist.plugin.kubevirt.manifest;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * KubeVirt to KubeVirt: the migrated VM keeps the source VM's spec except what the mappings change.
 * Starts from the source's {@code spec.template.spec} and rewrites only claim volumes (to the new
 * DataVolumes/PVCs and volume names), their disks' names, and interfaces/networks (by MAC, to the
 * NetworkMap's result); everything else (devices, features, clock, machine, cloud-init volumes, ...) is kept.
 */
final class SourceVmTemplate {
    private SourceVmTemplate() {}

    /** {@code rendered} is the VM the builder renders from the spec alone; {@code source} the source VM object. */
    static Map<String, Object> overlay(Map<String, Object> rendered, Map<String, Object> source, TargetVmSpec spec,
                                       List<AllocatedDisk> disks, Function<AllocatedDisk, String> objectName, boolean pvc) {
        Map<String, Object> sourceSpec = deepCopy(map(source.get("spec")));
        Map<String, Object> sourceTemplate = map(sourceSpec.get("template"));
        Map<String, Object> templateSpec = deepCopy(map(sourceTemplate.get("spec")));
        Map<String, Object> domain = map(templateSpec.computeIfAbsent("domain", k -> new LinkedHashMap<>()));
        Map<String, Object> devices = map(domain.computeIfAbsent("devices", k -> new LinkedHashMap<>()));

        // Volumes: claims become the new disk objects; other volumes (cloud-init, containerDisk, ...) stay.
        Map<String, String> renamedVolumes = new LinkedHashMap<>();
        List<Object> volumes = new ArrayList<>();
        for (Object v : list(templateSpec.get("volumes"))) {
            Map<String, Object> volume = map(v);
            String claim = claimOf(volume);
            if (claim == null) {
                volumes.add(volume);
                renamedVolumes.put((String) volume.get("name"), (String) volume.get("name"));
                continue;
            }
            for (AllocatedDisk a : disks) {
                if (a.disk().sourceDiskId().equals(claim)) {
                    TargetDisk d = a.disk();
                    Map<String, Object> replaced = new LinkedHashMap<>();
                    replaced.put("name", d.volumeName());
                    replaced.put(pvc ? "persistentVolumeClaim" : "dataVolume",
                            pvc ? Map.of("claimName", objectName.apply(a)) : Map.of("name", objectName.apply(a)));
                    volumes.add(replaced);
                    renamedVolumes.put((String) volume.get("name"), d.volumeName());
                }
            }
        }
        templateSpec.put("volumes", volumes);
        List<Object> keptDisks = new ArrayList<>();
        for (Object o : list(devices.get("disks"))) {
            Map<String, Object> disk = map(o);
            String newName = renamedVolumes.get((String) disk.get("name"));
            if (newName != null) {
                disk.put("name", newName);
                keptDisks.add(disk);
            }
        }
        devices.put("disks", keptDisks);

        // Interfaces matched by the preserved MAC; NICs the NetworkMap ignored are dropped with their networks.
        List<Object> interfaces = new ArrayList<>();
        List<Object> networks = new ArrayList<>();
        for (Object o : list(devices.get("interfaces"))) {
            Map<String, Object> iface = map(o);
            String mac = normalize((String) iface.get("macAddress"));
            for (TargetNic nic : spec.nics()) {
                if (mac != null && mac.equals(normalize(nic.mac()))) {
                    iface.remove("masquerade");
                    iface.remove("bridge");
                    iface.remove("sriov");
                    iface.remove("binding");
                    iface.put("name", nic.name());
                    iface.put("pod".equals(nic.type()) ? "masquerade" : "bridge", new LinkedHashMap<>());
                    iface.put("macAddress", mac);
                    interfaces.add(iface);
                    networks.add("pod".equals(nic.type())
                            ? Map.of("name", nic.name(), "pod", Map.of())
                            : Map.of("name", nic.name(), "multus", Map.of("networkName", nic.multusNetwork())));
                }
            }
        }
        devices.put("interfaces", interfaces);
        templateSpec.put("networks", networks);
        if (interfaces.isEmpty()) {
            devices.put("autoattachPodInterface", false);
        }
        if (!spec.preserveCpuModel()) {
            // The source cluster's CPU model may not exist here.
            map(domain.get("cpu")).remove("model");
        }

        ManifestBuilder.applyPlacement(templateSpec, spec.placement());
        Map<String, Object> renderedSpec = map(rendered.get("spec"));
        Map<String, Object> renderedTemplate = map(renderedSpec.get("template"));
        Map<String, Object> templateMetadata = new LinkedHashMap<>(map(map(sourceTemplate.get("metadata")).get("labels")).isEmpty()
                ? Map.of() : Map.of("labels", new LinkedHashMap<>(map(map(sourceTemplate.get("metadata")).get("labels")))));
        Map<String, Object> templateLabels = map(templateMetadata.computeIfAbsent("labels", k -> new LinkedHashMap<>()));
        templateLabels.putAll(map(map(renderedTemplate.get("metadata")).get("labels")));

        Map<String, Object> vmSpec = new LinkedHashMap<>(sourceSpec);
        vmSpec.remove("running");
        vmSpec.remove("dataVolumeTemplates"); // replaced by the disks the destination created
        vmSpec.put("runStrategy", spec.runStrategy());
        if (renderedSpec.get("instancetype") != null) {
            // vms[].instanceType: the instance type sets CPU and memory, which the VM then must not set itself
            vmSpec.put("instancetype", renderedSpec.get("instancetype"));
            domain.remove("cpu");
            map(domain.get("memory")).remove("guest");
            if (map(domain.get("memory")).isEmpty()) {
                domain.remove("memory");
            }
        }
        vmSpec.put("template", Map.of("metadata", templateMetadata, "spec", templateSpec));

        Map<String, Object> vm = new LinkedHashMap<>(rendered);
        vm.put("spec", vmSpec);
        return vm;
    }

    private static String claimOf(Map<String, Object> volume) {
        if (volume.get("dataVolume") != null) {
            return (String) map(volume.get("dataVolume")).get("name");
        }
        if (volume.get("persistentVolumeClaim") != null) {
            return (String) map(volume.get("persistentVolumeClaim")).get("claimName");
        }
        return null;
    }

    private static String normalize(String mac) {
        return mac == null ? null : mac.toLowerCase(Locale.ROOT).replace('-', ':');
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** Mutable deep copy, so rewriting never touches the inventory's document. */
    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put((String) k, deepCopy(v)));
            return (T) copy;
        }
        if (o instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return o;
    }
}
