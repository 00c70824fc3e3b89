package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.Names;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.Ref;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.template.NameTemplates;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Plan rules: references present, VMs by id or name, hooks, templates, and the plan lifecycle. */
final class PlanRules {
    private PlanRules() {
    }

    /** A plan is running while its status has Executing=True. */
    static boolean isRunning(JsonNode plan) {
        return Conditions.isTrue(plan, Conditions.EXECUTING);
    }

    static boolean isSucceeded(JsonNode plan) {
        return Conditions.isTrue(plan, Conditions.SUCCEEDED);
    }

    static boolean isArchived(JsonNode plan) {
        return plan != null && plan.path("spec").path("archived").asBoolean(false);
    }

    static void check(ObjectNode object, ObjectNode existing, Problems p) {
        Plan plan = Resources.plan(object);
        Plan.Spec spec = plan.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        if (!Problems.blank(spec.targetNamespace)) {
            Names.checkLabel(spec.targetNamespace).ifPresent(m -> p.invalid("spec.targetNamespace",
                    "Invalid value: \"" + spec.targetNamespace + "\": " + m));
        }
        requireName(spec.provider == null ? null : spec.provider.source, "spec.provider.source", "source provider", p);
        requireName(spec.provider == null ? null : spec.provider.destination, "spec.provider.destination",
                "destination provider", p);
        // exactly one network map and one storage map: the plan names each once
        requireName(spec.map == null ? null : spec.map.network, "spec.map.network", "network map", p);
        requireName(spec.map == null ? null : spec.map.storage, "spec.map.storage", "storage map", p);
        if (spec.transferNetwork != null && Problems.blank(spec.transferNetwork.name)) {
            p.required("spec.transferNetwork.name", "Required value: the NetworkAttachmentDefinition of the transfer network");
        }
        checkTemplates("spec", spec.pvcNameTemplate, spec.volumeNameTemplate, spec.networkNameTemplate, p);
        checkVms(spec, p);
        if (existing != null) {
            checkLifecycle(object, existing, p);
        } else if (spec.isArchived()) {
            p.forbidden("spec.archived", "a plan cannot be created archived");
        }
    }

    private static void requireName(Ref ref, String field, String what, Problems p) {
        if (ref == null) {
            p.required(field, "Required value: the " + what);
        } else if (Problems.blank(ref.name)) {
            p.required(field + ".name", "Required value: the name of the " + what);
        }
    }

    private static void checkTemplates(String base, String pvc, String volume, String network, Problems p) {
        check(base, NameTemplates.Kind.PVC, pvc, p);
        check(base, NameTemplates.Kind.VOLUME, volume, p);
        check(base, NameTemplates.Kind.NETWORK, network, p);
    }

    private static void check(String base, NameTemplates.Kind kind, String template, Problems p) {
        if (template != null && !template.isEmpty()) {
            NameTemplates.check(kind, template).ifPresent(m -> p.invalid(base + "." + kind.field(), m));
        }
    }

    private static void checkVms(Plan.Spec spec, Problems p) {
        if (spec.vms == null) {
            return; // required by the schema
        }
        Map<String, Integer> ids = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> targets = new HashMap<>();
        for (int i = 0; i < spec.vms.size(); i++) {
            Plan.Vm vm = spec.vms.get(i);
            String at = "spec.vms[" + i + "]";
            if (vm == null) {
                p.required(at, "Required value");
                continue;
            }
            if (Problems.blank(vm.id) && Problems.blank(vm.name)) {
                p.required(at + ".id", "Required value: a VM is identified by id or name");
            }
            duplicate(ids, vm.id, i, at + ".id", "VM id", p);
            if (Problems.blank(vm.id)) {
                duplicate(names, vm.namespace == null ? vm.name : vm.namespace + "/" + vm.name, i, at + ".name",
                        "VM name", p);
            }
            if (!Problems.blank(vm.targetName)) {
                Names.checkSubdomain(vm.targetName).ifPresent(m -> p.invalid(at + ".targetName",
                        "Invalid value: \"" + vm.targetName + "\": " + m));
                duplicate(targets, vm.targetName, i, at + ".targetName", "target name", p);
            }
            checkTemplates(at, vm.pvcNameTemplate, vm.volumeNameTemplate, vm.networkNameTemplate, p);
            checkHooks(vm.hooks, at, p);
            if (vm.luks != null && Problems.blank(vm.luks.name)) {
                p.required(at + ".luks.name", "Required value: the Secret holding the LUKS passphrases");
            }
        }
    }

    private static void duplicate(Map<String, Integer> seen, String key, int index, String field, String what, Problems p) {
        if (Problems.blank(key)) {
            return;
        }
        Integer first = seen.putIfAbsent(key, index);
        if (first != null) {
            p.duplicate(field, "Duplicate value: \"" + key + "\": the same " + what + " as spec.vms[" + first + "]");
        }
    }

    private static void checkHooks(List<Plan.HookRef> hooks, String at, Problems p) {
        if (hooks == null) {
            return;
        }
        if (hooks.size() > 2) {
            p.tooLong(at + ".hooks", "Too many: " + hooks.size() + ": must have at most 2 items (one PreHook, one PostHook)");
        }
        Map<String, Integer> steps = new HashMap<>();
        for (int h = 0; h < hooks.size(); h++) {
            Plan.HookRef ref = hooks.get(h);
            String hat = at + ".hooks[" + h + "]";
            if (ref == null) {
                p.required(hat, "Required value");
                continue;
            }
            if (ref.hook == null || Problems.blank(ref.hook.name)) {
                p.required(hat + ".hook.name", "Required value: the name of the Hook");
            }
            if (ref.step == null) {
                continue; // required by the schema
            }
            if (!Hook.STEP_PRE.equals(ref.step) && !Hook.STEP_POST.equals(ref.step)) {
                p.notSupported(hat + ".step", "Unsupported value: \"" + ref.step
                        + "\": supported values: \"PreHook\", \"PostHook\"");
                continue;
            }
            Integer first = steps.putIfAbsent(ref.step, h);
            if (first != null) {
                p.duplicate(hat + ".step", "Duplicate value: \"" + ref.step + "\": each hook of a VM runs at a different step ("
                        + at + ".hooks[" + first + "] is also " + ref.step + ")");
            }
        }
    }

    /**
     * Settings, mappings and hooks of a running or succeeded plan cannot change; archiving is
     * irreversible, and an archived plan can only be viewed, duplicated or deleted.
     */
    private static void checkLifecycle(ObjectNode incoming, ObjectNode existing, Problems p) {
        JsonNode before = existing.path("spec");
        JsonNode after = incoming.path("spec");
        boolean wasArchived = isArchived(existing);
        boolean archived = after.path("archived").asBoolean(false);
        if (wasArchived) {
            if (!archived) {
                p.forbidden("spec.archived", "archiving is irreversible: an archived plan can only be viewed, "
                        + "duplicated or deleted");
            }
            for (String field : changedFields(before, after)) {
                if (!field.equals("spec.archived")) {
                    p.forbidden(field, "an archived plan cannot be changed; duplicate it to make a new plan");
                }
            }
            return;
        }
        boolean running = isRunning(existing);
        boolean succeeded = isSucceeded(existing);
        if (!running && !succeeded) {
            return;
        }
        String state = running ? "running (Executing=True)" : "succeeded (Succeeded=True)";
        if (running && archived) {
            p.forbidden("spec.archived", "a running plan cannot be archived; cancel its migration first");
        }
        for (String field : changedFields(before, after)) {
            if (!field.equals("spec.archived")) {
                p.forbidden(field, "cannot change a plan that is " + state + "; duplicate it to make a new plan");
            }
        }
    }

    /** The top-level spec fields (and changed VM entries) that differ, as field paths. */
    static Set<String> changedFields(JsonNode before, JsonNode after) {
        Set<String> keys = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(keys::add);
        after.fieldNames().forEachRemaining(keys::add);
        Set<String> changed = new LinkedHashSet<>();
        for (String key : keys) {
            JsonNode b = before.get(key);
            JsonNode a = after.get(key);
            if (equivalent(b, a)) {
                continue;
            }
            if (key.equals("vms") && b != null && a != null && b.isArray() && a.isArray() && a.size() == b.size()) {
                for (int i = 0; i < a.size(); i++) {
                    if (!equivalent(b.get(i), a.get(i))) {
                        changed.add("spec.vms[" + i + "]");
                    }
                }
            } else {
                changed.add("spec." + key);
            }
        }
        return changed;
    }

    /** Equal, treating absent and false/empty the same (an explicit default is not a change). */
    private static boolean equivalent(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            JsonNode present = a == null ? b : a;
            return present == null || present.isNull() || (present.isBoolean() && !present.booleanValue())
                    || (present.isTextual() && present.asText().isEmpty())
                    || (present.isContainerNode() && present.isEmpty());
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                if (!equivalent(a.get(k), b.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<JsonNode> ia = a.elements();
            Iterator<JsonNode> ib = b.elements();
            while (ia.hasNext()) {
                if (!equivalent(ia.next(), ib.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
