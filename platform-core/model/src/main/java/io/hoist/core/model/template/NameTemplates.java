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
        PVC("pvcNameTemplate", "PVCNameNotValid", Map.of(
                "VmName", "vm", "TargetVmName", "vm", "PlanName", "plan", "DiskIndex", 1L, "RootDiskIndex", 0L,
                "Shared", false, "WinDriveLetter", "c", "FileName", "vm-disk1.vmdk",
                "SourcePVCName", "pvc", "SourcePVCNamespace", "ns")),
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
            name = template.render(data);
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

    // Data builders: the engine fills exactly the variables MTV documents for each source, so a template
    // that reads another provider's variable fails the same way it does in MTV.

    /** PVC name data for a disk of a vSphere, oVirt, OpenStack or OVA VM. */
    public static Map<String, Object> pvcData(String vmName, String targetVmName, String planName, int diskIndex,
                                              int rootDiskIndex, boolean shared, String winDriveLetter, String fileName) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("VmName", vmName);
        d.put("TargetVmName", targetVmName);
        d.put("PlanName", planName);
        d.put("DiskIndex", (long) diskIndex);
        d.put("RootDiskIndex", (long) rootDiskIndex);
        d.put("Shared", shared);
        d.put("WinDriveLetter", winDriveLetter == null ? "" : winDriveLetter);
        d.put("FileName", fileName == null ? "" : fileName);
        return d;
    }

    /** PVC name data for a disk of a KubeVirt (openshift) source VM. */
    public static Map<String, Object> kubevirtPvcData(String vmName, String targetVmName, String planName, int diskIndex,
                                                      String sourcePvcName, String sourcePvcNamespace) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("VmName", vmName);
        d.put("TargetVmName", targetVmName);
        d.put("PlanName", planName);
        d.put("DiskIndex", (long) diskIndex);
        d.put("SourcePVCName", sourcePvcName);
        d.put("SourcePVCNamespace", sourcePvcNamespace);
        return d;
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
