package io.hoist.plugin.kubevirt.manifest;

import io.hoist.api.HoistException;
import io.hoist.api.KubernetesNames;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a {@link TargetVmSpec} into KubeVirt and CDI manifests, as ordered maps ready for YAML
 * or a Kubernetes client. The engine already decided every name, MAC and mapping; this class only
 * renders them faithfully and refuses input Kubernetes would reject, naming the field.
 * Shared by the folder destination and the cluster destination so both write the same objects.
 */
public final class ManifestBuilder {
    /** How a disk is represented: which object carries the size and whether CDI adds filesystem overhead. */
    public enum DiskApi {
        /** DataVolume with {@code spec.storage}: CDI applies the storage profile and adds overhead itself. */
        DATAVOLUME_STORAGE,
        /** DataVolume with {@code spec.pvc}: taken literally, so we add the filesystem overhead. */
        DATAVOLUME_PVC,
        /** A plain PersistentVolumeClaim: we add the filesystem overhead. */
        PVC;

        public static DiskApi parse(String field, String value) {
            if (value == null || value.isBlank()) {
                return DATAVOLUME_STORAGE;
            }
            return switch (value.trim()) {
                case "storage", "datavolume-storage" -> DATAVOLUME_STORAGE;
                case "pvc", "datavolume-pvc" -> DATAVOLUME_PVC;
                case "persistentvolumeclaim" -> PVC;
                default -> throw userError(field, "'" + value + "' is not one of storage, pvc, persistentvolumeclaim");
            };
        }
    }

    public static final String VM_API = "kubevirt.io/v1";
    public static final String DV_API = "cdi.kubevirt.io/v1beta1";
    public static final double DEFAULT_FILESYSTEM_OVERHEAD = 0.10;

    private static final Pattern MAC = Pattern.compile("^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$");

    private final DiskApi diskApi;
    private final double filesystemOverhead;
    private final long blockOverheadBytes;

    public ManifestBuilder(DiskApi diskApi, double filesystemOverhead) {
        this(diskApi, filesystemOverhead, 0);
    }

    /** @param blockOverheadBytes added to Block volumes ({@code controller_block_overhead}, e.g. for LUKS headers) */
    public ManifestBuilder(DiskApi diskApi, double filesystemOverhead, long blockOverheadBytes) {
        if (filesystemOverhead < 0 || filesystemOverhead >= 1) {
            throw userError("controller_filesystem_overhead", "must be a fraction in [0, 1), got " + filesystemOverhead);
        }
        if (blockOverheadBytes < 0) {
            throw userError("controller_block_overhead", "must not be negative, got " + blockOverheadBytes);
        }
        this.diskApi = diskApi;
        this.filesystemOverhead = filesystemOverhead;
        this.blockOverheadBytes = blockOverheadBytes;
    }

    /**
     * {@code controller_block_overhead}: bytes, or a Kubernetes quantity such as {@code 1Gi}, as MTV takes it; 0 when
     * unset.
     */
    public static long blockOverheadFromSetting(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Quantities.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw userError("controller_block_overhead", "'" + value + "' is not a quantity such as 1Gi");
        }
    }

    public DiskApi diskApi() {
        return diskApi;
    }

    /**
     * The settings' overhead: {@code controller_filesystem_overhead} is a percentage as in MTV ("10"),
     * a fraction is accepted too ("0.1").
     */
    public static double overheadFromSetting(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_FILESYSTEM_OVERHEAD;
        }
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw userError("controller_filesystem_overhead", "'" + value + "' is not a number");
        }
        double fraction = v >= 1 ? v / 100.0 : v;
        if (fraction < 0 || fraction >= 1) {
            throw userError("controller_filesystem_overhead", "must be a percentage in [0, 100), got " + value);
        }
        return fraction;
    }

    /** {@link #validate} as conditions for a destination's validateTarget: empty when the spec renders. */
    public static List<io.hoist.api.Condition> conditionsOf(ManifestBuilder builder, TargetVmSpec spec) {
        try {
            builder.validate(spec);
            return List.of();
        } catch (HoistException e) {
            return List.of(io.hoist.api.Condition.isTrue(e.code(), "NotValid", io.hoist.api.Condition.Category.Critical, e.getMessage()));
        }
    }

    /** Checks everything the manifests depend on; throws naming the first bad field. */
    public void validate(TargetVmSpec spec) {
        requireName("namespace", spec.namespace(), false, KubernetesNames.LABEL_MAX);
        requireName("name", spec.name(), false, KubernetesNames.LABEL_MAX);
        if (spec.sockets() < 1 || spec.cores() < 1 || spec.threads() < 1) {
            throw userError("cpu", "sockets, cores and threads must be >= 1, got " + spec.sockets() + "/" + spec.cores() + "/" + spec.threads());
        }
        if (spec.memoryBytes() < Quantities.MI) {
            throw userError("memoryBytes", "must be at least 1Mi, got " + spec.memoryBytes());
        }
        if (!"virtio".equals(spec.diskBus()) && !"sata".equals(spec.diskBus()) && !"scsi".equals(spec.diskBus())) {
            throw userError("diskBus", "'" + spec.diskBus() + "' is not one of virtio, sata, scsi");
        }
        if (!List.of("Always", "Halted", "Manual", "RerunOnFailure", "Once").contains(spec.runStrategy())) {
            throw userError("runStrategy", "'" + spec.runStrategy() + "' is not a KubeVirt run strategy");
        }
        if (spec.secureBoot() && spec.firmware() != Firmware.EFI) {
            throw userError("secureBoot", "secure boot needs EFI firmware, got " + spec.firmware());
        }
        List<String> volumeNames = new ArrayList<>();
        for (int i = 0; i < spec.disks().size(); i++) {
            TargetDisk d = spec.disks().get(i);
            String f = "disks[" + i + "]";
            // A generateName prefix gets a suffix appended, so it may end with '-'.
            String pvc = d.generateName() && d.pvcName() != null && d.pvcName().endsWith("-")
                    ? d.pvcName().substring(0, d.pvcName().length() - 1) : d.pvcName();
            requireName(f + ".pvcName", pvc, true, d.generateName() ? KubernetesNames.SUBDOMAIN_MAX - 6 : KubernetesNames.SUBDOMAIN_MAX);
            requireName(f + ".volumeName", d.volumeName(), false, KubernetesNames.LABEL_MAX);
            if (volumeNames.contains(d.volumeName())) {
                throw userError(f + ".volumeName", "'" + d.volumeName() + "' is used by two disks");
            }
            volumeNames.add(d.volumeName());
            if (d.capacity() <= 0) {
                throw userError(f + ".capacity", "must be > 0, got " + d.capacity());
            }
            if (d.accessMode() != null && !List.of("ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod").contains(d.accessMode())) {
                throw userError(f + ".accessMode", "'" + d.accessMode() + "' is not a Kubernetes access mode");
            }
            if (d.volumeMode() != null && !List.of("Filesystem", "Block").contains(d.volumeMode())) {
                throw userError(f + ".volumeMode", "'" + d.volumeMode() + "' is not Filesystem or Block");
            }
        }
        List<String> nicNames = new ArrayList<>();
        int podNics = 0;
        for (int i = 0; i < spec.nics().size(); i++) {
            TargetNic n = spec.nics().get(i);
            String f = "nics[" + i + "]";
            requireName(f + ".name", n.name(), false, KubernetesNames.LABEL_MAX);
            if (nicNames.contains(n.name())) {
                throw userError(f + ".name", "'" + n.name() + "' is used by two interfaces");
            }
            nicNames.add(n.name());
            if (n.mac() != null && !n.mac().isEmpty() && !MAC.matcher(n.mac()).matches()) {
                throw userError(f + ".mac", "'" + n.mac() + "' is not a MAC address");
            }
            switch (n.type()) {
                case "pod" -> podNics++;
                case "multus" -> {
                    if (n.multusNetwork() == null || n.multusNetwork().isBlank()) {
                        throw userError(f + ".multusNetwork", "a multus interface needs namespace/name of its NetworkAttachmentDefinition");
                    }
                }
                default -> throw userError(f + ".type", "'" + n.type() + "' is not pod or multus");
            }
        }
        if (podNics > 1) {
            throw userError("nics", "KubeVirt allows one pod network per VM, the NetworkMap maps " + podNics + " NICs to it");
        }
    }

    /** The storage request for a disk: overhead only where CDI does not add it and never for block volumes. */
    public long requestedSize(TargetDisk disk) {
        boolean block = "Block".equals(disk.volumeMode());
        if (block) {
            return disk.capacity() + blockOverheadBytes;
        }
        if (diskApi == DiskApi.DATAVOLUME_STORAGE) {
            return disk.capacity();
        }
        return Quantities.withOverhead(disk.capacity(), filesystemOverhead);
    }

    /**
     * A stable concrete name for a disk whose name is a generateName prefix, for destinations that
     * cannot let the server pick one (a folder for {@code kubectl apply}): prefix + hash of VM and disk ids,
     * so a re-run finds the same name.
     */
    public static String stableGeneratedName(TargetVmSpec spec, TargetDisk disk) {
        if (!disk.generateName()) {
            return disk.pvcName();
        }
        String prefix = disk.pvcName().endsWith("-") ? disk.pvcName() : disk.pvcName() + "-";
        return prefix + Labels.shortHash(spec.sourceVmId() + "/" + disk.sourceDiskId(), 5);
    }

    /**
     * The disk object (DataVolume or PVC, per {@link #diskApi()}) with an upload source.
     *
     * @param name the concrete name, or null to use {@code metadata.generateName} from the disk's prefix
     */
    public Map<String, Object> diskObject(TargetVmSpec spec, TargetDisk disk, String name) {
        Map<String, Object> metadata = diskMetadata(spec, disk, name);
        Map<String, Object> requests = map("storage", Quantities.bytes(requestedSize(disk)));
        Map<String, Object> claim = new LinkedHashMap<>();
        if (disk.accessMode() != null) {
            claim.put("accessModes", List.of(disk.accessMode()));
        }
        if (disk.volumeMode() != null) {
            claim.put("volumeMode", disk.volumeMode());
        }
        claim.put("resources", map("requests", requests));
        if (disk.storageClass() != null && !disk.storageClass().isBlank()) {
            claim.put("storageClassName", disk.storageClass());
        }
        if (diskApi == DiskApi.PVC) {
            if (disk.accessMode() == null) {
                // A bare PVC has no storage profile to fill it in.
                claim.put("accessModes", List.of("ReadWriteOnce"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> annotations = (Map<String, Object>) metadata.computeIfAbsent("annotations", k -> new LinkedHashMap<>());
            // Makes CDI's upload proxy accept data for this PVC.
            annotations.put("cdi.kubevirt.io/storage.upload.target", "");
            return object("v1", "PersistentVolumeClaim", metadata, claim);
        }
        Map<String, Object> dvSpec = new LinkedHashMap<>();
        dvSpec.put("source", map("upload", new LinkedHashMap<>()));
        dvSpec.put(diskApi == DiskApi.DATAVOLUME_PVC ? "pvc" : "storage", claim);
        return object(DV_API, "DataVolume", metadata, dvSpec);
    }

    private Map<String, Object> diskMetadata(TargetVmSpec spec, TargetDisk disk, String name) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (name != null) {
            metadata.put("name", name);
        } else {
            metadata.put("generateName", disk.pvcName().endsWith("-") ? disk.pvcName() : disk.pvcName() + "-");
        }
        metadata.put("namespace", spec.namespace());
        Map<String, Object> labels = new LinkedHashMap<>(new java.util.TreeMap<>(spec.labels()));
        labels.put(Labels.SOURCE_VM, Labels.value(spec.sourceVmId()));
        labels.put(Labels.SOURCE_DISK, Labels.value(disk.sourceDiskId()));
        if (disk.shared()) {
            labels.put(Labels.SHARED_DISK, Labels.value(disk.shareId()));
        }
        metadata.put("labels", labels);
        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put(Labels.SOURCE_VM_ANNOTATION, spec.sourceVmId());
        annotations.put(Labels.SOURCE_DISK_ANNOTATION, disk.sourceDiskId());
        if (spec.transferNetwork() != null && !spec.transferNetwork().isBlank()) {
            annotations.put(Labels.MULTUS_NETWORKS, spec.transferNetwork());
        }
        metadata.put("annotations", annotations);
        return metadata;
    }

    /**
     * The VirtualMachine. {@code disks} carry the concrete disk object names in their handles
     * (known only after allocation when names were generated).
     */
    /**
     * The VirtualMachine, keeping a KubeVirt source VM's spec except what the mappings change
     * (see {@link SourceVmTemplate}); {@code sourceVm} null renders from the spec alone.
     */
    public Map<String, Object> virtualMachine(TargetVmSpec spec, List<AllocatedDisk> disks,
                                             java.util.function.Function<AllocatedDisk, String> objectName, Map<String, Object> sourceVm) {
        return virtualMachine(spec, disks, objectName, sourceVm, Kinds.CLUSTER);
    }

    public Map<String, Object> virtualMachine(TargetVmSpec spec, List<AllocatedDisk> disks,
                                             java.util.function.Function<AllocatedDisk, String> objectName,
                                             Map<String, Object> sourceVm, Kinds kinds) {
        Map<String, Object> rendered = virtualMachine(spec, disks, objectName, kinds);
        if (sourceVm == null || !"VirtualMachine".equals(sourceVm.get("kind"))) {
            return rendered;
        }
        return SourceVmTemplate.overlay(rendered, sourceVm, spec, disks, objectName, diskApi == DiskApi.PVC);
    }

    public Map<String, Object> virtualMachine(TargetVmSpec spec, List<AllocatedDisk> disks, java.util.function.Function<AllocatedDisk, String> objectName) {
        return virtualMachine(spec, disks, objectName, Kinds.CLUSTER);
    }

    /**
     * The kinds of the VM's instance type and preference, as the destination found them (namespaced first, then
     * cluster-wide, as MTV looks them up); a null kind leaves that matcher out (MTV builds the VM without a
     * preference it cannot find).
     */
    public record Kinds(String instancetypeKind, String preferenceKind) {
        /** Cluster-wide kinds: what common-instancetypes installs, for destinations that cannot look. */
        public static final Kinds CLUSTER = new Kinds("VirtualMachineClusterInstancetype", "VirtualMachineClusterPreference");
    }

    public Map<String, Object> virtualMachine(TargetVmSpec spec, List<AllocatedDisk> disks,
                                             java.util.function.Function<AllocatedDisk, String> objectName, Kinds kinds) {
        validate(spec);
        TargetVmSpec.Placement placement = spec.placement();
        TargetVmSpec.Identity identity = spec.identity();
        TargetVmSpec.Flavor flavor = spec.flavor();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", spec.name());
        metadata.put("namespace", spec.namespace());
        // the plan's targetLabels (placement) on the VM as on its pods; the engine's own labels win
        Map<String, Object> labels = new LinkedHashMap<>(new java.util.TreeMap<>(placement.templateLabels()));
        labels.putAll(new java.util.TreeMap<>(spec.labels()));
        labels.put(Labels.SOURCE_VM, Labels.value(spec.sourceVmId()));
        metadata.put("labels", labels);
        Map<String, Object> annotations = new LinkedHashMap<>(new java.util.TreeMap<>(spec.annotations()));
        // The transfer network is for transfer pods (on the disk objects), never for the VM.
        annotations.remove(Labels.MULTUS_NETWORKS);
        annotations.put(Labels.SOURCE_VM_ANNOTATION, spec.sourceVmId());
        metadata.put("annotations", annotations);

        boolean instancetype = flavor.instanceType() != null && kinds.instancetypeKind() != null;
        Map<String, Object> cpu = new LinkedHashMap<>();
        if (!instancetype) { // as MTV: an instance type sets CPU and memory, the VM does not
            cpu.put("sockets", spec.sockets());
            cpu.put("cores", spec.cores());
            cpu.put("threads", spec.threads());
            if (spec.preserveCpuModel() && spec.cpuModel() != null && !spec.cpuModel().isBlank()) {
                cpu.put("model", spec.cpuModel());
            }
            if (identity.nestedVirtualization() != null) {
                String policy = identity.nestedVirtualization() ? "optional" : "disable";
                cpu.put("features", List.of(map("name", "vmx", "policy", policy), map("name", "svm", "policy", policy)));
            }
        }

        Map<String, Object> firmware = new LinkedHashMap<>();
        Map<String, Object> features = new LinkedHashMap<>();
        if (spec.firmware() == Firmware.EFI) {
            Map<String, Object> efi = new LinkedHashMap<>();
            efi.put("secureBoot", spec.secureBoot());
            firmware.put("bootloader", map("efi", efi));
            if (spec.secureBoot()) {
                // KubeVirt refuses secure boot without SMM.
                features.put("smm", map("enabled", true));
            }
        } else {
            firmware.put("bootloader", map("bios", new LinkedHashMap<>()));
        }
        if (identity.firmwareSerial() != null) {
            firmware.put("serial", identity.firmwareSerial());
        }
        if (identity.firmwareUuid() != null) {
            firmware.put("uuid", identity.firmwareUuid());
        }

        List<Object> vmDisks = new ArrayList<>();
        List<Object> volumes = new ArrayList<>();
        for (TargetDisk d : spec.disks()) {
            AllocatedDisk allocated = disks.stream().filter(a -> a.disk().sourceDiskId().equals(d.sourceDiskId())).findFirst()
                    .orElse(null);
            if (allocated == null) {
                if (d.attachOnly()) {
                    continue; // a shared disk nobody copied: as MTV, the VM is created without it
                }
                throw new HoistException(HoistException.Type.INTERNAL, "DiskNotAllocated",
                        "disk " + d.sourceDiskId() + " of VM " + spec.name() + " was not allocated");
            }
            Map<String, Object> disk = new LinkedHashMap<>();
            disk.put("name", d.volumeName());
            if (d.external()) {
                // a SAN LUN is passed through as a SCSI LUN (as forklift does), so the guest sees the same device
                disk.put("lun", d.externalVolume().readOnly() ? map("bus", "scsi", "readonly", true) : map("bus", "scsi"));
            } else {
                disk.put("disk", map("bus", spec.diskBus()));
            }
            if (d.bootOrder() > 0) {
                disk.put("bootOrder", d.bootOrder());
            }
            if (d.serial() != null && !d.serial().isBlank()) {
                disk.put("serial", d.serial());
            }
            if (d.shared()) {
                // several VMs write it: no host cache, and KubeVirt lets it attach to more than one VM
                disk.put("shareable", true);
                disk.put("cache", "none");
            }
            vmDisks.add(disk);
            Map<String, Object> volume = new LinkedHashMap<>();
            volume.put("name", d.volumeName());
            String claim = objectName.apply(allocated);
            if (diskApi == DiskApi.PVC || d.external()) { // an external volume is a bare claim bound to its PV
                volume.put("persistentVolumeClaim", map("claimName", claim));
            } else {
                volume.put("dataVolume", map("name", claim));
            }
            volumes.add(volume);
        }

        List<Object> interfaces = new ArrayList<>();
        List<Object> networks = new ArrayList<>();
        for (TargetNic n : spec.nics()) {
            Map<String, Object> iface = new LinkedHashMap<>();
            iface.put("name", n.name());
            if ("pod".equals(n.type())) {
                iface.put("masquerade", new LinkedHashMap<>());
                networks.add(map("name", n.name(), "pod", new LinkedHashMap<>()));
            } else {
                iface.put("bridge", new LinkedHashMap<>());
                networks.add(map("name", n.name(), "multus", map("networkName", n.multusNetwork())));
            }
            if (n.mac() != null && !n.mac().isEmpty()) {
                iface.put("macAddress", n.mac().toLowerCase(java.util.Locale.ROOT).replace('-', ':'));
            }
            iface.put("model", n.model() == null || n.model().isBlank() ? "virtio" : n.model());
            interfaces.add(iface);
        }

        Map<String, Object> devices = new LinkedHashMap<>();
        devices.put("disks", vmDisks);
        devices.put("interfaces", interfaces);
        if (spec.nics().isEmpty()) {
            // Without this KubeVirt would add a default pod interface the source VM never had.
            devices.put("autoattachPodInterface", false);
        }
        if (identity.tabletBus() != null) {
            devices.put("inputs", List.of(map("type", "tablet", "name", "tablet", "bus", identity.tabletBus())));
        }
        if (Boolean.TRUE.equals(identity.tpm())) {
            // a source vTPM's state (BitLocker keys, measured boot) must survive restarts
            devices.put("tpm", map("persistent", true));
        }

        Map<String, Object> domain = new LinkedHashMap<>();
        if (!cpu.isEmpty()) {
            domain.put("cpu", cpu);
        }
        if (!instancetype) {
            domain.put("memory", map("guest", Quantities.bytes(spec.memoryBytes())));
        }
        domain.put("firmware", firmware);
        if (identity.timezone() != null) {
            domain.put("clock", map("timezone", identity.timezone()));
        }
        if (!features.isEmpty()) {
            domain.put("features", features);
        }
        domain.put("devices", devices);

        Map<String, Object> templateSpec = new LinkedHashMap<>();
        templateSpec.put("domain", domain);
        templateSpec.put("networks", networks);
        templateSpec.put("volumes", volumes);
        applyPlacement(templateSpec, placement);

        Map<String, Object> templateLabels = new LinkedHashMap<>(new java.util.TreeMap<>(placement.templateLabels()));
        templateLabels.put("kubevirt.io/domain", spec.name());
        templateLabels.put(Labels.SOURCE_VM, Labels.value(spec.sourceVmId()));
        Map<String, Object> templateMetadata = new LinkedHashMap<>();
        templateMetadata.put("labels", templateLabels);
        if (flavor.os() != null) {
            templateMetadata.put("annotations", map("vm.kubevirt.io/os", flavor.os()));
        }

        Map<String, Object> vmSpec = new LinkedHashMap<>();
        if (instancetype) {
            vmSpec.put("instancetype", map("name", flavor.instanceType(), "kind", kinds.instancetypeKind()));
        }
        if (flavor.preference() != null && kinds.preferenceKind() != null) {
            vmSpec.put("preference", map("name", flavor.preference(), "kind", kinds.preferenceKind()));
        }
        vmSpec.put("runStrategy", spec.runStrategy());
        vmSpec.put("template", map("metadata", templateMetadata, "spec", templateSpec));
        return object(VM_API, "VirtualMachine", metadata, vmSpec);
    }

    /** targetNodeSelector (merged over what is there) and targetAffinity (replacing it), as MTV applies them. */
    static void applyPlacement(Map<String, Object> templateSpec, TargetVmSpec.Placement placement) {
        if (!placement.nodeSelector().isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> selector = templateSpec.get("nodeSelector") instanceof Map<?, ?> m
                    ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
            selector.putAll(new java.util.TreeMap<>(placement.nodeSelector()));
            templateSpec.put("nodeSelector", selector);
        }
        if (placement.affinity() != null) {
            templateSpec.put("affinity", placement.affinity());
        }
    }

    static Map<String, Object> object(String apiVersion, String kind, Map<String, Object> metadata, Map<String, Object> spec) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", metadata);
        o.put("spec", spec);
        return o;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A DNS-1123 label or subdomain, by the plugin API's one implementation of the rules. */
    private static void requireName(String field, String value, boolean subdomain, int maxLength) {
        if (value == null || value.isEmpty()) {
            throw userError(field, "is required");
        }
        if (value.length() > maxLength) {
            throw userError(field, "'" + value + "' is longer than " + maxLength + " characters");
        }
        if (!(subdomain ? KubernetesNames.isSubdomain(value) : KubernetesNames.isLabel(value))) {
            throw userError(field, "'" + value + "' is not a valid Kubernetes name (lower-case letters, digits and '-')");
        }
    }

    static HoistException userError(String field, String reason) {
        return new HoistException(HoistException.Type.USER_ERROR, "InvalidTargetSpec", field + ": " + reason);
    }
}
