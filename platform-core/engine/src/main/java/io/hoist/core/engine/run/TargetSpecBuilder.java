package io.hoist.core.engine.run;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.SourceRef;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.model.resource.StorageMap;
import io.hoist.core.model.template.GoTemplate;
import io.hoist.core.model.template.NameTemplates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides the target VM from the source VM, the plan and its maps, field by field as MTV does: names from the plan's
 * Go templates, disks through the StorageMap, NICs through the NetworkMap (MACs kept), placement, identity, flavor and
 * labels that link the target to plan, migration and source VM. Pure: the same inputs give the same spec, which is
 * what makes re-running VM creation after a crash adopt instead of duplicate. What the plan asks and the source
 * cannot give comes back as a {@link Note}, which the plan shows as a condition.
 */
public final class TargetSpecBuilder {
    public static final String LABEL_PLAN = "plan";
    public static final String LABEL_MIGRATION = "migration";
    public static final String LABEL_VM_ID = "vmID";
    public static final String ANNOTATION_TRANSFER_NETWORK = "k8s.v1.cni.cncf.io/networks";
    /** MTV's label on every migrated VM's pods, the target name. */
    public static final String TEMPLATE_LABEL_APP = "app";

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

    /**
     * Something the plan asks that this VM's source cannot give, or a value that cannot be used: the spec is still
     * built, and the plan shows the note as a Warn condition of this type, so nothing is ignored silently.
     */
    public record Note(String conditionType, String message) {}

    /** The spec and what the plan asked that it does not carry. */
    public record Built(TargetVmSpec spec, List<Note> notes) {}

    /**
     * What the builder needs besides the plan and the source VM.
     *
     * @param sourceProviderUid  annotated so a KubeVirt destination can recognise KubeVirt sources
     * @param sourceProviderType the source Provider's type (MTV's defaults differ for KubeVirt sources)
     * @param osMap              the source's OS map (guest OS id → KubeVirt preference), empty when none applies
     * @param controllerTransferNetwork {@code controller_transfer_network}, the default transfer network, or null
     * @param targetName         the name chosen for this VM earlier (a collision suffix), or null to derive it
     * @param copiedElsewhere    share ids of this VM's shared disks another VM copies (this VM attaches them)
     * @param keepSourceDevices  the source's guests already run on KVM ({@link io.hoist.api.provider.KeepsGuestDevices}):
     *                           the target keeps the source's disk bus and NIC models
     */
    public record Context(String sourceProviderUid, String sourceProviderType, Map<String, String> osMap,
                          String controllerTransferNetwork, String targetName, Set<String> copiedElsewhere,
                          boolean keepSourceDevices) {
        public static final Context NONE = new Context(null, null, Map.of(), null, null, Set.of());

        public Context {
            osMap = osMap == null ? Map.of() : Map.copyOf(osMap);
            copiedElsewhere = copiedElsewhere == null ? Set.of() : Set.copyOf(copiedElsewhere);
        }

        /** A context for a source whose guests get the engine's devices. */
        public Context(String sourceProviderUid, String sourceProviderType, Map<String, String> osMap,
                       String controllerTransferNetwork, String targetName, Set<String> copiedElsewhere) {
            this(sourceProviderUid, sourceProviderType, osMap, controllerTransferNetwork, targetName, copiedElsewhere, false);
        }
    }

    private TargetSpecBuilder() {}

    /**
     * @param sourceWasRunning the source's power state before migration (for targetPowerState auto)
     */
    public static TargetVmSpec build(SourceVm vm, Plan plan, Plan.Vm planVm, NetworkMap networkMap, StorageMap storageMap,
                                     String planUid, String migrationUid, boolean sourceWasRunning) throws SpecException {
        return build(vm, plan, planVm, networkMap, storageMap, planUid, migrationUid, sourceWasRunning, Context.NONE).spec();
    }

    public static Built build(SourceVm vm, Plan plan, Plan.Vm planVm, NetworkMap networkMap, StorageMap storageMap,
                              String planUid, String migrationUid, boolean sourceWasRunning, Context ctx)
            throws SpecException {
        Plan.Spec spec = plan.spec;
        List<Note> notes = new ArrayList<>();
        String targetName = ctx.targetName() != null ? ctx.targetName() : targetName(vm, planVm);
        if (!Dns.isLabel(targetName)) {
            throw new SpecException("TargetNameNotValid", "target name '" + targetName + "' of VM " + vm.name()
                    + " is not a DNS-1123 label of at most 63 characters");
        }
        boolean kubevirtSource = Provider.TYPE_OPENSHIFT.equals(ctx.sourceProviderType());
        boolean compat = spec.compatibilityDevices();
        if (ctx.keepSourceDevices() && Boolean.TRUE.equals(spec.useCompatibilityMode) && spec.skipGuestConversionOrDefault()) {
            notes.add(new Note("CompatibilityModeNotApplied", "useCompatibilityMode: VM " + vm.name() + " already runs on KVM"
                    + " and keeps its source's disk bus and NIC models; the compatibility-mode devices are not used"));
        }
        String diskBus = ctx.keepSourceDevices() ? KeptDevices.diskBus(vm, notes) : compat ? "sata" : "virtio";

        List<TargetDisk> disks = disks(vm, plan, planVm, storageMap, ctx, targetName, kubevirtSource, notes);
        List<TargetNic> nics = nics(vm, spec, planVm, networkMap, ctx.keepSourceDevices()
                ? nic -> KeptDevices.nicModel(vm, nic, notes) : nic -> compat ? "e1000e" : "virtio");

        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_PLAN, planUid);
        if (migrationUid != null) {
            labels.put(LABEL_MIGRATION, migrationUid);
        }
        labels.put(LABEL_VM_ID, Dns.labelValue(vm.id()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("hoist.io/source-vm-id", vm.id());
        annotations.put("hoist.io/source-vm-name", vm.name());
        annotations.put("hoist.io/plan", plan.namespace() + "/" + plan.name());
        if (ctx.sourceProviderUid() != null) {
            annotations.put("hoist.io/source-provider-uid", ctx.sourceProviderUid());
        }
        String targetNamespace = firstNonEmpty(spec.targetNamespace, plan.namespace(), "default");
        String transferNetwork = transferNetwork(spec, targetNamespace, ctx.controllerTransferNetwork());
        if (transferNetwork != null) {
            annotations.put(ANNOTATION_TRANSFER_NETWORK, transferNetwork);
        }
        boolean runs = switch (spec.targetPowerStateFor(planVm)) {
            case "on" -> true;
            case "off" -> false;
            default -> sourceWasRunning;
        };
        boolean preserveCpu = Boolean.TRUE.equals(spec.preserveClusterCpuModel);
        if (preserveCpu && (vm.cpuModel() == null || vm.cpuModel().isBlank())) {
            notes.add(new Note("ClusterCpuModelNotPreserved", "preserveClusterCpuModel: the source names no CPU model for VM "
                    + vm.name() + " (no custom model, no cluster model or EVC mode); the target uses the destination's default CPU model"));
        }
        String instanceType = blankToNull(planVm.instanceType);
        return new Built(new TargetVmSpec(targetNamespace, targetName,
                vm.id(), vm.name(), Math.max(1, vm.sockets()), Math.max(1, vm.coresPerSocket()),
                Math.max(1, vm.threadsPerCore()), vm.memoryBytes(), vm.firmware(), vm.secureBoot(),
                preserveCpu, preserveCpu ? blankToNull(vm.cpuModel()) : null, diskBus,
                runs ? "Always" : "Halted", disks, nics, labels, annotations, transferNetwork,
                placement(spec, targetName), identity(vm, spec, planVm, compat), flavor(vm, instanceType, ctx, notes)),
                List.copyOf(notes));
    }

    /** The plan's targetName, else the source name made DNS-1123 (as MTV does). */
    public static String targetName(SourceVm vm, Plan.Vm planVm) {
        if (planVm.targetName != null && !planVm.targetName.isEmpty()) {
            return planVm.targetName;
        }
        return Dns.normalize(vm.name());
    }

    /** True when the target name is derived from a source name that is not a DNS-1123 label (MTV renames those). */
    public static boolean renamed(SourceVm vm, Plan.Vm planVm) {
        return (planVm.targetName == null || planVm.targetName.isEmpty()) && !Dns.isLabel(vm.name());
    }

    /**
     * A derived name that collides with another VM gets a suffix, as MTV's name handler does: at most 58
     * characters of the name, '-', and four characters (here from the source VM id, so a resumed run picks the same).
     */
    public static String withSuffix(String name, String sourceVmId) {
        String base = name.length() > 58 ? name.substring(0, 58).replaceAll("-+$", "") : name;
        return base + "-" + sha256Hex(sourceVmId).substring(0, 4);
    }

    // ---- disks

    private static List<TargetDisk> disks(SourceVm vm, Plan plan, Plan.Vm planVm, StorageMap storageMap, Context ctx,
                                          String targetName, boolean kubevirtSource, List<Note> notes) throws SpecException {
        Plan.Spec spec = plan.spec;
        String pvcTemplate = NameTemplates.effective(spec, planVm, NameTemplates.Kind.PVC)
                .orElse(kubevirtSource ? NameTemplates.DEFAULT_KUBEVIRT_PVC_TEMPLATE : NameTemplates.DEFAULT_PVC_TEMPLATE);
        String volumeTemplate = NameTemplates.effective(spec, planVm, NameTemplates.Kind.VOLUME)
                .orElse(NameTemplates.DEFAULT_VOLUME_TEMPLATE);
        boolean generateName = spec.pvcNameTemplateUseGenerateNameFor(ctx.sourceProviderType());
        int rootIndex = rootDiskIndex(vm, planVm, notes);
        boolean migrateShared = spec.migrateSharedDisksFor(planVm);
        List<String> unmappedStorage = new ArrayList<>();
        List<TargetDisk> disks = new ArrayList<>();
        for (int i = 0; i < vm.disks().size(); i++) {
            SourceDisk d = vm.disks().get(i);
            // An external volume is handed over, not copied: no storage to map (MTV skips LUNs in the StorageMap too).
            Optional<StorageMap.Pair> pair = d.external() ? Optional.of(new StorageMap.Pair()) : storagePair(storageMap, d.storageId());
            if (pair.isEmpty()) {
                unmappedStorage.add(d.storageId());
                continue;
            }
            NameTemplates.PvcVariables vars = new NameTemplates.PvcVariables(vm.name(), targetName, plan.name(), i, vm.id(),
                    rootIndex, d.shared(), d.winDriveLetter(), fileName(d.name()),
                    kubevirtSource ? d.id() : "", kubevirtSource ? blankToEmpty(planVm.namespace) : "");
            String pvcName = render(pvcTemplate, NameTemplates.pvcData(vars), "pvcNameTemplate", vm, generateName);
            String volumeName = render(volumeTemplate, NameTemplates.volumeData(pvcName, i), "volumeNameTemplate", vm, false);
            StorageMap.Destination dst = pair.get().destination;
            String shareId = d.shared() ? shareId(ctx, d) : null;
            boolean attachOnly = shareId != null && (!migrateShared || ctx.copiedElsewhere().contains(shareId));
            disks.add(new TargetDisk(d.id(), pvcName, generateName, volumeName, d.capacity(),
                    dst == null ? null : dst.storageClass, dst == null ? null : dst.accessMode,
                    dst == null ? null : dst.volumeMode, i == rootIndex ? 1 : 0,
                    diskSerial(d.serial(), vm.id(), d.id()), shareId, attachOnly, d.externalVolume()));
        }
        if (!unmappedStorage.isEmpty()) {
            throw new SpecException("VMStorageNotMapped", "VM " + vm.name() + " has disks on storage not in the StorageMap: "
                    + String.join(", ", unmappedStorage));
        }
        return disks;
    }

    /** The id that names a shared disk the same for every VM attached to it, unique across source providers. */
    public static String shareId(Context ctx, SourceDisk d) {
        String key = d.shareId() != null ? d.shareId() : d.name();
        return (ctx.sourceProviderUid() == null ? "" : ctx.sourceProviderUid() + "/") + key;
    }

    /**
     * The boot disk, as MTV: {@code vms[].rootDisk} ({@code /dev/sda} is the first disk, {@code /dev/sdb} the
     * second...), else the source's first disk in boot order, else the first disk.
     */
    static int rootDiskIndex(SourceVm vm, Plan.Vm planVm, List<Note> notes) {
        if (planVm.rootDisk != null && !planVm.rootDisk.isBlank()) {
            String r = planVm.rootDisk.trim();
            if (r.matches("/dev/[sv]d[a-z]")) {
                int index = r.charAt(r.length() - 1) - 'a';
                if (index < vm.disks().size()) {
                    return index;
                }
                notes.add(new Note("RootDiskNotValid", "vms[].rootDisk " + r + " of VM " + vm.name() + " names disk "
                        + (index + 1) + " but the VM has " + vm.disks().size() + "; the first disk boots"));
                return 0;
            }
            notes.add(new Note("RootDiskNotValid", "vms[].rootDisk '" + r + "' of VM " + vm.name()
                    + " is not a device such as /dev/sda; the first disk boots"));
            return 0;
        }
        int best = 0;
        int bestOrder = Integer.MAX_VALUE;
        for (int i = 0; i < vm.disks().size(); i++) {
            int o = vm.disks().get(i).bootOrder();
            if (o > 0 && o < bestOrder) {
                bestOrder = o;
                best = i;
            }
        }
        return best;
    }

    /**
     * The disk's serial as MTV sets it: the source's own serial with only letters, digits and '-' kept, at most 20
     * characters (QEMU's limit); else 20 hex digits derived from the VM and the disk, stable across runs.
     */
    static String diskSerial(String sourceSerial, String vmId, String diskId) {
        String clean = sourceSerial == null ? "" : sourceSerial.replaceAll("[^A-Za-z0-9-]", "");
        if (!clean.isEmpty()) {
            return clean.length() > 20 ? clean.substring(0, 20) : clean;
        }
        return sha256Hex(vmId + ":" + diskId).substring(0, 20);
    }

    // ---- NICs

    private static List<TargetNic> nics(SourceVm vm, Plan.Spec spec, Plan.Vm planVm, NetworkMap networkMap,
                                        java.util.function.Function<SourceNic, String> model) throws SpecException {
        List<TargetNic> nics = new ArrayList<>();
        String netTemplate = NameTemplates.effective(spec, planVm, NameTemplates.Kind.NETWORK).orElse(null);
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
            String name = netTemplate == null ? "net-" + index
                    : render(netTemplate, NameTemplates.networkData(type, nadName, nadNamespace, index), "networkNameTemplate", vm, false);
            nics.add(new TargetNic(name, nic.mac(), type, multus ? nadNamespace + "/" + nadName : null,
                    model.apply(nic)));
            index++;
        }
        if (!unmappedNets.isEmpty()) {
            throw new SpecException("VMNetworksNotMapped", "VM " + vm.name() + " has NICs on networks not in the NetworkMap: "
                    + String.join(", ", unmappedNets));
        }
        return nics;
    }

    // ---- placement, identity, flavor

    private static TargetVmSpec.Placement placement(Plan.Spec spec, String targetName) {
        Map<String, String> templateLabels = new LinkedHashMap<>();
        if (spec.targetLabels != null) {
            templateLabels.putAll(spec.targetLabels);
        }
        templateLabels.put(TEMPLATE_LABEL_APP, targetName); // MTV sets it after the plan's labels
        Map<String, Object> affinity = spec.targetAffinity == null || spec.targetAffinity.isNull() ? null
                : Resources.MAPPER.convertValue(spec.targetAffinity, new TypeReference<Map<String, Object>>() {});
        return new TargetVmSpec.Placement(spec.targetNodeSelector, affinity, templateLabels);
    }

    private static TargetVmSpec.Identity identity(SourceVm vm, Plan.Spec spec, Plan.Vm planVm, boolean compat) {
        SourceVm.Identity id = vm.identity();
        Boolean nested = spec.enableNestedVirtualizationFor(planVm);
        if (nested == null && Boolean.TRUE.equals(id.nestedVirtualization())) {
            nested = true; // as MTV: the source's own setting only turns it on
        }
        // As MTV: a source vTPM becomes a persistent one (BitLocker keys survive restarts); no TPM says nothing, so a
        // preference that wants one still gets it.
        Boolean tpm = id.tpm() ? Boolean.TRUE : null;
        return new TargetVmSpec.Identity(blankToNull(id.serial()), blankToNull(id.uuid()), tpm, blankToNull(id.timezone()),
                compat ? "usb" : "virtio", nested);
    }

    private static TargetVmSpec.Flavor flavor(SourceVm vm, String instanceType, Context ctx, List<Note> notes) {
        String os = vm.osType() == null ? null : ctx.osMap().get(vm.osType());
        if (os == null && vm.osType() != null && !vm.osType().isBlank() && !ctx.osMap().isEmpty()) {
            notes.add(new Note("OsNotMapped", "the OS map has no entry for guest OS '" + vm.osType() + "' of VM " + vm.name()
                    + "; the target gets no KubeVirt preference"));
        }
        // As MTV: an instance type sets CPU and memory, a preference comes from the OS.
        return new TargetVmSpec.Flavor(instanceType, os, os);
    }

    private static String transferNetwork(Plan.Spec spec, String targetNamespace, String controllerDefault) {
        if (spec.transferNetwork != null && spec.transferNetwork.name != null && !spec.transferNetwork.name.isBlank()) {
            return firstNonEmpty(spec.transferNetwork.namespace, targetNamespace, "") + "/" + spec.transferNetwork.name;
        }
        if (controllerDefault != null && !controllerDefault.isBlank()) {
            String v = controllerDefault.trim();
            return v.contains("/") ? v : targetNamespace + "/" + v;
        }
        return null;
    }

    // ---- helpers

    /**
     * Parsed name templates by field and text: a plan validates and builds every VM with the same few templates, and
     * parsing them per VM was a tenth of a 2,000-VM plan's validation. A parsed template is immutable (its render
     * keeps its state per call). Bounded: templates come from users' plans.
     */
    private static final Map<String, GoTemplate> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    private static GoTemplate parsed(String field, String template) {
        String key = field + '\u0000' + template;
        GoTemplate t = PARSED.get(key);
        if (t == null) {
            t = GoTemplate.parse(field, template); // a template that does not parse throws and is not kept
            if (PARSED.size() >= 512) {
                PARSED.clear();
            }
            PARSED.put(key, t);
        }
        return t;
    }

    private static String render(String template, Map<String, ?> vars, String field, SourceVm vm, boolean prefix)
            throws SpecException {
        NameTemplates.Result r;
        try {
            r = NameTemplates.renderName(parsed(field, template), vars, prefix);
        } catch (RuntimeException e) {
            throw new SpecException(conditionType(field), field + " failed for VM " + vm.name() + ": "
                    + io.hoist.core.model.Echo.abbreviate(String.valueOf(e.getMessage()), 256));
        }
        if (!r.ok()) {
            throw new SpecException(conditionType(field), field + " for VM " + vm.name() + ": " + r.problem().orElseThrow());
        }
        return r.name().trim();
    }

    /** PVCNameNotValid, VolumeNameNotValid or NetworkNameNotValid: the condition of the template that failed. */
    private static String conditionType(String field) {
        for (NameTemplates.Kind k : NameTemplates.Kind.values()) {
            if (k.field().equals(field)) {
                return k.conditionType();
            }
        }
        return "TargetNameNotValid";
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s;
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** DNS-1123 helpers for target names. */
    static final class Dns {
        private Dns() {}

        /** The model's one DNS-1123 check (admission uses the same). */
        static boolean isLabel(String s) {
            return s != null && io.hoist.core.model.Names.isLabel(s);
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
