package io.hoist.core.model.admission;

import io.hoist.core.model.Names;
import io.hoist.core.model.resource.Hook;

import java.util.Base64;

/** Hook rules: an image (or an AAP job), a base64 playbook, a sane deadline. */
final class HookRules {
    private HookRules() {
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
        if (spec.playbook != null && !spec.playbook.isBlank()) {
            try {
                Base64.getMimeDecoder().decode(spec.playbook.strip());
                if (!spec.playbook.strip().replaceAll("\\s", "").matches("[A-Za-z0-9+/]*={0,2}")) {
                    throw new IllegalArgumentException("characters outside the base64 alphabet");
                }
            } catch (IllegalArgumentException e) {
                p.invalid("spec.playbook", "Invalid value: must be the base64-encoded Ansible playbook ("
                        + e.getMessage() + ")");
            }
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
