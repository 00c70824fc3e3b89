package io.hoist.core.model.template;

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
        String name;
        try {
            name = template.render(data);
        } catch (TemplateException e) {
            return new Result("", Optional.of(e.getMessage()));
        }
        Optional<String> problem = Names.checkLabel(name)
                .map(p -> "rendered name \"" + name + "\" is not valid: " + p);
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

    /** Sample data with every documented variable, for previews in the CLI or UI. */
    public static Map<String, Object> sampleData(Kind kind) {
        return new LinkedHashMap<>(kind.sampleData());
    }
}
