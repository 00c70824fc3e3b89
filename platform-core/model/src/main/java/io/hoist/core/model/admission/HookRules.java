package io.hoist.core.model.admission;

import io.hoist.core.model.Names;
import io.hoist.core.model.resource.Hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.Resources;
import io.hoist.core.model.meta.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hook rules: an image (or an AAP job), a sane deadline. A playbook that is not base64 is accepted, as MTV does
 * (the upstream docs' hook manifests carry an elided placeholder): it becomes the Hook's {@code InvalidPlaybook}
 * condition, and the plans that use the Hook are not Ready.
 */
final class HookRules {
    static final String INVALID_PLAYBOOK = "InvalidPlaybook";

    private HookRules() {
    }

    /**
     * The Hook's conditions, from its spec alone: {@code InvalidPlaybook} (Critical) or {@code Ready}, as MTV's hook
     * controller sets them. Computed on admission because nothing but the spec decides them; transition times of
     * conditions that did not change are kept.
     */
    static ObjectNode status(Hook hook, JsonNode existingStatus) {
        List<Condition> current = new ArrayList<>();
        if (existingStatus != null && existingStatus.get("conditions") instanceof ArrayNode list) {
            for (JsonNode c : list) {
                current.add(Resources.toTyped(c, Condition.class));
            }
        }
        String problem = hook.spec == null ? null : Hook.Spec.playbookProblem(hook.spec.playbook).orElse(null);
        Instant now = Instant.now();
        List<Condition> next;
        if (problem != null) {
            next = Conditions.remove(current, Conditions.READY);
            next = Conditions.set(next, Condition.of(INVALID_PLAYBOOK, Condition.TRUE, Condition.CATEGORY_CRITICAL,
                    "NotValid", "Playbook is not a valid base64 string (" + problem + ")."), now);
        } else {
            next = Conditions.remove(current, INVALID_PLAYBOOK);
            next = Conditions.set(next, Condition.of(Conditions.READY, Condition.TRUE, Condition.CATEGORY_REQUIRED,
                    "Ready", "The hook is ready."), now);
        }
        ObjectNode status = existingStatus instanceof ObjectNode s ? s.deepCopy() : JsonNodeFactory.instance.objectNode();
        ArrayNode out = status.putArray("conditions");
        next.forEach(c -> out.add(Resources.toNode(c)));
        return status;
    }

    static void check(Hook hook, Problems p) {
        Hook.Spec spec = hook.spec;
        if (spec == null) {
            p.required("spec", "Required value");
            return;
        }
        if (spec.aap == null && Problems.blank(spec.image)) {
            p.required("spec.image", "Required value: the hook runner image (or spec.aap for an Ansible Automation Platform job)");
        }
        if (spec.deadline != null && spec.deadline < 0) {
            p.invalid("spec.deadline", "Invalid value: " + spec.deadline + ": must be seconds >= 0 (0: no deadline)");
        }
        if (!Problems.blank(spec.serviceAccount)) {
            Names.checkSubdomain(spec.serviceAccount).ifPresent(m -> p.invalid("spec.serviceAccount",
                    "Invalid value: \"" + spec.serviceAccount + "\": " + m));
        }
        if (spec.aap != null && !Problems.blank(spec.aap.url) && !spec.aap.url.startsWith("https://")
                && !spec.aap.url.startsWith("http://")) {
            p.invalid("spec.aap.url", "Invalid value: \"" + spec.aap.url + "\": must be an https:// URL");
        }
    }
}
