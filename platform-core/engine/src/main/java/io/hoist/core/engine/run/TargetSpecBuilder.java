package io.hoist.core.engine.run;

import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.core.model.meta.SourceRef;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.StorageMap;
import io.hoist.core.model.template.GoTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the target VM from the source VM, the plan and its maps: names from the plan's Go
 * templates, disks through the StorageMap, NICs through the NetworkMap (MACs kept), labels that link
 * the target to plan, migration and source VM. Pure: the same inputs give the same spec, which is
 * what makes re-running VM creation after a crash adopt instead of duplicate.
 */
public final class TargetSpecBuilder {
    public static final String LABEL_PLAN = "plan";
    public static final String LABEL_MIGRATION = "migration";
    public static final String LABEL_VM_ID = "vmID";
    public static final String ANNOTATION_TRANSFER_NETWORK = "k8s.v1.cni.cncf.io/networks";

    /** Problems that stop a VM from being built, reported as plan conditions. */
    public static final class SpecException extends Exception {
        private final String conditionType;

        public SpecException(String conditionType, String message) {
            super(message);
            this.conditionType = conditionType;
        }

        /** VMNetworksNotMapped, VMStorageNotMapped or TargetNameNotValid. */
        public String conditionType() {
            return conditionType;
        }
    }

    private TargetSpecBuilder() {}

    /**
     * @param sourceWasRunning the source's power state before migration (for targetPowerState auto)
     */
    public static TargetVmSpec build(SourceVm vm, Plan plan, Plan.Vm planVm, NetworkMap networkMap, StorageMap storageMap,
                                     String planUid, String migrationUid, boolean sourceWasRunning) throws SpecException {
        return build(vm, plan, planVm, networkMap, storageMap, planUid, migrationUid, sourceWasRunning, null);
    }

    /** @param sourceProviderUid the source Provider's uid, annotated so a KubeVirt destination can recognise KubeVirt sources */
    public static TargetVmSpec build(SourceVm vm, Plan plan, Plan.Vm planVm, NetworkMap networkMap, StorageMap storageMap,
                                     String planUid, String migrationUid, boolean sourceWasRunning, String sourceProviderUid)
            throws SpecException {
        Plan.Spec spec = plan.spec;
        String targetName = targetName(vm, planVm);
        if (!Dns.isLabel(targetName)) {
            throw new SpecException("TargetNameNotValid", "target name '" + targetName + "' of VM " + vm.name()
                    + " is not a DNS-1123 label of at most 63 characters");
        }
        boolean compat = Boolean.TRUE.equals(spec.skipGuestConversion) && Boolean.TRUE.equals(spec.useCompatibilityMode);

        List<TargetDisk> disks = new ArrayList<>();
        String pvcTemplate = firstNonEmpty(planVm.pvcNameTemplate, spec.pvcNameTemplate, "{{.TargetVmName}}-disk-{{.DiskIndex}}");
        String volumeTemplate = firstNonEmpty(planVm.volumeNameTemplate, spec.volumeNameTemplate, "disk-{{.VolumeIndex}}");
        boolean generateName = Boolean.TRUE.equals(spec.pvcNameTemplateUseGenerateName);
        int rootIndex = rootDiskIndex(vm.disks());
        List<String> unmappedStorage = new ArrayList<>();
        for (int i = 0; i < vm.disks().size(); i++) {
            SourceDisk d = vm.disks().get(i);
            Optional<StorageMap.Pair> pair = storagePair(storageMap, d.storageId());
            if (pair.isEmpty()) {
                unmappedStorage.add(d.storageId());
                continue;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("VmName", vm.name());
            vars.put("TargetVmName", targetName);
            vars.put("PlanName", plan.name());
            vars.put("DiskIndex", i);
            vars.put("RootDiskIndex", rootIndex);
            vars.put("Shared", d.shared());
            vars.put("FileName", fileName(d.name()));
            vars.put("WinDriveLetter", "");
            String pvcName = render(pvcTemplate, vars, "pvcNameTemplate", vm);
            Map<String, Object> volVars = Map.of("PVCName", pvcName, "VolumeIndex", i);
            String volumeName = render(volumeTemplate, volVars, "volumeNameTemplate", vm);
            StorageMap.Destination dst = pair.get().destination;
            disks.add(new TargetDisk(d.id(), pvcName, generateName, volumeName, d.capacity(),
                    dst == null ? null : dst.storageClass, dst == null ? null : dst.accessMode,
                    dst == null ? null : dst.volumeMode, d.bootOrder()));
        }
        if (!unmappedStorage.isEmpty()) {
            throw new SpecException("VMStorageNotMapped", "VM " + vm.name() + " has disks on storage not in the StorageMap: "
                    + String.join(", ", unmappedStorage));
        }

        List<TargetNic> nics = new ArrayList<>();
        String netTemplate = firstNonEmpty(planVm.networkNameTemplate, spec.networkNameTemplate, null);
        List<String> unmappedNets = new ArrayList<>();
        int index = 0;
        for (SourceNic nic : vm.nics()) {
            Optional<NetworkMap.Pair> pair = networkPair(networkMap, nic);
            if (pair.isEmpty()) {
                unmappedNets.add(nic.networkName() != null ? nic.networkName() : nic.networkId());
                continue;
            }
            NetworkMap.Destination dst = pair.get().destination;
            String type = dst == null || dst.type == null ? NetworkMap.DESTINATION_POD : dst.type;
            if (NetworkMap.DESTINATION_IGNORED.equals(type)) {
                continue;
            }
            boolean multus = NetworkMap.DESTINATION_MULTUS.equals(type);
            String nadNamespace = multus ? firstNonEmpty(dst.namespace, spec.targetNamespace, "") : "";
            String nadName = multus ? dst.name : "";
            String name;
            if (netTemplate != null) {
                Map<String, Object> vars = new HashMap<>();
                vars.put("NetworkName", nadName);
                vars.put("NetworkNamespace", nadNamespace);
                vars.put("NetworkType", type);
                vars.put("NetworkIndex", index);
                name = render(netTemplate, vars, "networkNameTemplate", vm);
            } else {
                name = "net-" + index;
            }
            nics.add(new TargetNic(name, nic.mac(), type, multus ? nadNamespace + "/" + nadName : null,
                    compat ? "e1000e" : "virtio"));
            index++;
        }
        if (!unmappedNets.isEmpty()) {
            throw new SpecException("VMNetworksNotMapped", "VM " + vm.name() + " has NICs on networks not in the NetworkMap: "
                    + String.join(", ", unmappedNets));
        }

        Map<String, String> labels = new LinkedHashMap<>();
        if (spec.targetLabels != null) {
            labels.putAll(spec.targetLabels);
        }
        labels.put(LABEL_PLAN, planUid);
        if (migrationUid != null) {
            labels.put(LABEL_MIGRATION, migrationUid);
        }
        labels.put(LABEL_VM_ID, Dns.labelValue(vm.id()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("hoist.io/source-vm-id", vm.id());
        annotations.put("hoist.io/source-vm-name", vm.name());
        annotations.put("hoist.io/plan", plan.namespace() + "/" + plan.name());
        if (sourceProviderUid != null) {
            annotations.put("hoist.io/source-provider-uid", sourceProviderUid);
        }
        String transferNetwork = null;
        if (spec.transferNetwork != null && spec.transferNetwork.name != null) {
            transferNetwork = firstNonEmpty(spec.transferNetwork.namespace, spec.targetNamespace, "") + "/" + spec.transferNetwork.name;
            annotations.put(ANNOTATION_TRANSFER_NETWORK, transferNetwork);
        }
        String power = firstNonEmpty(planVm.targetPowerState, spec.targetPowerState, "auto");
        boolean runs = switch (power) {
            case "on" -> true;
            case "off" -> false;
            default -> sourceWasRunning;
        };
        return new TargetVmSpec(firstNonEmpty(spec.targetNamespace, plan.namespace(), "default"), targetName,
                vm.id(), vm.name(), Math.max(1, vm.sockets()), Math.max(1, vm.coresPerSocket()),
                Math.max(1, vm.threadsPerCore()), vm.memoryBytes(), vm.firmware(), vm.secureBoot(),
                Boolean.TRUE.equals(spec.preserveClusterCpuModel),
                Boolean.TRUE.equals(spec.preserveClusterCpuModel) ? vm.cpuModel() : null, compat ? "sata" : "virtio",
                runs ? "Always" : "Halted", disks, nics, labels, annotations, transferNetwork);
    }

    /** The plan's targetName, else the source name made DNS-1123 (as MTV does). */
    public static String targetName(SourceVm vm, Plan.Vm planVm) {
        if (planVm.targetName != null && !planVm.targetName.isEmpty()) {
            return planVm.targetName;
        }
        return Dns.normalize(vm.name());
    }

    private static String render(String template, Map<String, Object> vars, String field, SourceVm vm) throws SpecException {
        String out;
        try {
            out = GoTemplate.parse(template).render(vars).trim();
        } catch (RuntimeException e) {
            throw new SpecException("TargetNameNotValid", field + " failed for VM " + vm.name() + ": " + e.getMessage());
        }
        if (!Dns.isLabel(out)) {
            throw new SpecException("TargetNameNotValid", field + " renders '" + out + "' for VM " + vm.name()
                    + ": not a DNS-1123 label of at most 63 characters");
        }
        return out;
    }

    static Optional<StorageMap.Pair> storagePair(StorageMap map, String storageId) {
        if (map == null || map.spec == null || map.spec.map == null) {
            return Optional.empty();
        }
        return map.spec.map.stream().filter(p -> matches(p.source, storageId, storageId)).findFirst();
    }

    static Optional<NetworkMap.Pair> networkPair(NetworkMap map, SourceNic nic) {
        if (map == null || map.spec == null || map.spec.map == null) {
            return Optional.empty();
        }
        return map.spec.map.stream().filter(p -> matches(p.source, nic.networkId(), nic.networkName())).findFirst();
    }

    private static boolean matches(SourceRef ref, String id, String name) {
        if (ref == null) {
            return false;
        }
        if ("pod".equals(ref.type)) {
            // MTV's NetworkMaps for KubeVirt sources name the pod network by type only.
            return "pod".equals(id) || "pod".equals(name);
        }
        if (ref.id != null && !ref.id.isEmpty()) {
            return ref.id.equals(id);
        }
        return ref.name != null && (ref.name.equals(name) || ref.name.equals(id));
    }

    private static int rootDiskIndex(List<SourceDisk> disks) {
        int best = 0;
        int bestOrder = Integer.MAX_VALUE;
        for (int i = 0; i < disks.size(); i++) {
            int o = disks.get(i).bootOrder();
            if (o > 0 && o < bestOrder) {
                bestOrder = o;
                best = i;
            }
        }
        return best;
    }

    private static String fileName(String path) {
        if (path == null) {
            return "";
        }
        String p = path.replace('\\', '/');
        int slash = p.lastIndexOf('/');
        int bracket = p.lastIndexOf(']');
        return p.substring(Math.max(slash, bracket) + 1).trim();
    }

    static String firstNonEmpty(String a, String b, String fallback) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        if (b != null && !b.isEmpty()) {
            return b;
        }
        return fallback;
    }

    /** DNS-1123 helpers for target names. */
    static final class Dns {
        private Dns() {}

        static boolean isLabel(String s) {
            return s != null && s.length() <= 63 && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }

        /** Lower-cases, turns anything else into '-', trims to 63 and strips leading/trailing '-'. */
        static String normalize(String name) {
            String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
            if (s.length() > 63) {
                s = s.substring(0, 63);
            }
            s = s.replaceAll("^-+", "").replaceAll("-+$", "");
            return s.isEmpty() ? "vm" : s;
        }

        /** A label value (63 chars of [A-Za-z0-9._-], alphanumeric at both ends). */
        static String labelValue(String s) {
            String v = s.replaceAll("[^A-Za-z0-9._-]", "-");
            if (v.length() > 63) {
                v = v.substring(v.length() - 63);
            }
            return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        }
    }
}
