package io.hoist.core.model.template;

import io.hoist.core.model.Echo;
import io.hoist.core.model.Names;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.resource.Plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The plan's three name templates: which one applies to a VM, the variables each may read, and the
 * checks on a rendered name (a DNS-1123 label of at most 63 characters). Admission calls
 * {@link #check}; the engine calls {@link #renderName} for each real VM and turns problems into a
 * plan condition with {@link #condition}.
 */
public final class NameTemplates {
    public enum Kind {
        PVC("pvcNameTemplate", "PVCNameNotValid", pvcData(new PvcVariables("vm", "vm", "plan", 1, "vm-1", 0, false,
                "c", "vm-disk1.vmdk", "pvc", "ns"))),
        VOLUME("volumeNameTemplate", "VolumeNameNotValid", Map.of("PVCName", "pvc", "VolumeIndex", 1L)),
        NETWORK("networkNameTemplate", "NetworkNameNotValid", Map.of(
                "NetworkName", "nad", "NetworkNamespace", "ns", "NetworkType", "multus", "NetworkIndex", 1L));

        private final String field;
        private final String conditionType;
        private final Map<String, Object> sample;

        Kind(String field, String conditionType, Map<String, Object> sample) {
            this.field = field;
            this.conditionType = conditionType;
            this.sample = sample;
        }

        /** The spec field name, e.g. {@code pvcNameTemplate}. */
        public String field() {
            return field;
        }

        /** The plan condition type set when rendered names are not valid. */
        public String conditionType() {
            return conditionType;
        }

        /** The variables MTV documents for this template (all providers). */
        public Set<String> variables() {
            return new TreeSet<>(sample.keySet());
        }

        Map<String, Object> sampleData() {
            return sample;
        }
    }

    /** A rendered name, or the problem that makes it unusable. */
    public record Result(String name, Optional<String> problem) {
        public boolean ok() {
            return problem.isEmpty();
        }
    }

    private NameTemplates() {
    }

    /** The template for {@code vm}: its own override, else the plan's; empty when neither is set. */
    public static Optional<String> effective(Plan.Spec spec, Plan.Vm vm, Kind kind) {
        String own = switch (kind) {
            case PVC -> vm == null ? null : vm.pvcNameTemplate;
            case VOLUME -> vm == null ? null : vm.volumeNameTemplate;
            case NETWORK -> vm == null ? null : vm.networkNameTemplate;
        };
        if (own != null && !own.isEmpty()) {
            return Optional.of(own);
        }
        String plan = spec == null ? null : switch (kind) {
            case PVC -> spec.pvcNameTemplate;
            case VOLUME -> spec.volumeNameTemplate;
            case NETWORK -> spec.networkNameTemplate;
        };
        return Optional.ofNullable(plan).filter(s -> !s.isEmpty());
    }

    /**
     * Admission's check of a template: it must parse and read only documented variables. Returns the
     * problem, or empty. Names that depend on the real VM are checked later by {@link #renderName}.
     */
    public static Optional<String> check(Kind kind, String template) {
        GoTemplate parsed;
        try {
            parsed = GoTemplate.parse(kind.field(), template);
        } catch (TemplateException e) {
            return Optional.of("does not parse: " + e.getMessage());
        }
        for (String field : parsed.fieldNames()) {
            if (!kind.sampleData().containsKey(field)) {
                return Optional.of("unknown variable ." + field + "; available: ." + String.join(", .", kind.variables()));
            }
        }
        return Optional.empty();
    }

    /** Renders and checks the name for one real VM, disk or NIC. */
    public static Result renderName(GoTemplate template, Map<String, ?> data) {
        return renderName(template, data, false);
    }

    /**
     * As {@link #renderName(GoTemplate, Map)}; with {@code generateNamePrefix} (PVCs when
     * {@code pvcNameTemplateUseGenerateName} is on) the name is a prefix Kubernetes completes with random
     * characters, so it may end with '-'.
     */
    public static Result renderName(GoTemplate template, Map<String, ?> data, boolean generateNamePrefix) {
        String name;
        try {
            name = template.render(data).trim(); // as MTV: surrounding white space is not part of the name
        } catch (TemplateException e) {
            return new Result("", Optional.of(e.getMessage()));
        }
        String checked = generateNamePrefix && name.endsWith("-") && name.length() < Names.LABEL_MAX ? name + "x" : name;
        Optional<String> problem = Names.checkLabel(checked)
                .map(p -> "rendered name \"" + Echo.abbreviate(name) + "\" is not valid: "
                        + Echo.abbreviate(p.replace("(is " + checked.length() + ")", "(is " + name.length() + ")"), 256));
        return new Result(name, problem);
    }

    /** Parses and renders in one step (prefer parsing once and calling {@link #renderName(GoTemplate, Map)}). */
    public static Result renderName(Kind kind, String template, Map<String, ?> data) {
        try {
            return renderName(GoTemplate.parse(kind.field(), template), data);
        } catch (TemplateException e) {
            return new Result("", Optional.of(e.getMessage()));
        }
    }

    /**
     * The plan condition for names that are not valid: category Critical (blocks the migration),
     * one {@code items} entry per VM problem, e.g. {@code "vm-42: rendered name ... too long"}.
     */
    public static Condition condition(Kind kind, List<String> items) {
        Condition c = Condition.of(kind.conditionType(), Condition.TRUE, Condition.CATEGORY_CRITICAL, "NotValid",
                "The " + kind.field() + " renders names that are not valid DNS-1123 labels (at most 63 characters).");
        c.items = List.copyOf(items);
        return c;
    }

    /** MTV's PVC name template when neither the VM nor the plan sets one (sources other than KubeVirt). */
    public static final String DEFAULT_PVC_TEMPLATE = "{{trunc 15 .PlanName}}-{{trunc 15 .TargetVmName}}-disk-{{.DiskIndex}}";
    /** MTV's PVC name template for KubeVirt (openshift) sources: the source PVC's name, kept exactly. */
    public static final String DEFAULT_KUBEVIRT_PVC_TEMPLATE = "{{.SourcePVCName}}";
    /** MTV's volume name when the plan sets no volumeNameTemplate ({@code vol-<index>}). */
    public static final String DEFAULT_VOLUME_TEMPLATE = "vol-{{.VolumeIndex}}";

    /**
     * Every variable of a PVC name, as MTV's {@code PVCNameTemplateData}: one record for all providers, a variable
     * a provider does not fill is empty (or 0/false), so reading another provider's variable renders nothing.
     *
     * @param rootDiskIndex  the index of the boot disk (vms[].rootDisk, else the source's boot order)
     * @param winDriveLetter the Windows drive letter in lower case, empty when the guest does not report one
     * @param fileName       the disk's file without its datastore path (vSphere), else empty
     * @param sourcePvcName  the source PVC (KubeVirt sources), else empty
     */
    public record PvcVariables(String vmName, String targetVmName, String planName, int diskIndex, String vmId,
                               int rootDiskIndex, boolean shared, String winDriveLetter, String fileName,
                               String sourcePvcName, String sourcePvcNamespace) {}

    /** The data a PVC name template renders with: every documented variable, empty where the source has none. */
    public static Map<String, Object> pvcData(PvcVariables v) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("VmName", nz(v.vmName()));
        d.put("TargetVmName", nz(v.targetVmName()));
        d.put("PlanName", nz(v.planName()));
        d.put("DiskIndex", (long) v.diskIndex());
        d.put("VmId", nz(v.vmId()));
        d.put("RootDiskIndex", (long) v.rootDiskIndex());
        d.put("Shared", v.shared());
        d.put("WinDriveLetter", nz(v.winDriveLetter()));
        d.put("FileName", nz(v.fileName()));
        d.put("SourcePVCName", nz(v.sourcePvcName()));
        d.put("SourcePVCNamespace", nz(v.sourcePvcNamespace()));
        return d;
    }

    /** PVC name data for a disk of a vSphere, oVirt, OpenStack or OVA VM. */
    public static Map<String, Object> pvcData(String vmName, String targetVmName, String planName, int diskIndex,
                                              int rootDiskIndex, boolean shared, String winDriveLetter, String fileName) {
        return pvcData(new PvcVariables(vmName, targetVmName, planName, diskIndex, "", rootDiskIndex, shared,
                winDriveLetter, fileName, "", ""));
    }

    /** PVC name data for a disk of a KubeVirt (openshift) source VM. */
    public static Map<String, Object> kubevirtPvcData(String vmName, String targetVmName, String planName, int diskIndex,
                                                      String sourcePvcName, String sourcePvcNamespace) {
        return pvcData(new PvcVariables(vmName, targetVmName, planName, diskIndex, "", 0, false, "", "",
                sourcePvcName, sourcePvcNamespace));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Volume name data. */
    public static Map<String, Object> volumeData(String pvcName, int volumeIndex) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("PVCName", pvcName);
        d.put("VolumeIndex", (long) volumeIndex);
        return d;
    }

    /** Network interface name data; name and namespace are empty unless the destination type is multus. */
    public static Map<String, Object> networkData(String networkType, String nadName, String nadNamespace, int networkIndex) {
        boolean multus = "multus".equals(networkType);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("NetworkName", multus && nadName != null ? nadName : "");
        d.put("NetworkNamespace", multus && nadNamespace != null ? nadNamespace : "");
        d.put("NetworkType", networkType);
        d.put("NetworkIndex", (long) networkIndex);
        return d;
    }

    /** Sample data with every documented variable, for previews in the CLI or UI. */
    public static Map<String, Object> sampleData(Kind kind) {
        return new LinkedHashMap<>(kind.sampleData());
    }
}
