package io.hoist.api.hook;

import java.util.Map;

/**
 * A Hook resource and the step it runs at.
 *
 * @param playbook        decoded Ansible playbook (spec.playbook is base64), may be null
 * @param step            PreHook | PostHook
 * @param deadlineSeconds 0 for none
 * @param annotations     the Hook's metadata.annotations (runner choices such as {@code hoist.io/hook-runner})
 */
public record HookSpec(String namespace, String name, String image, String playbook, String serviceAccount,
                       long deadlineSeconds, String step, Map<String, String> annotations) {
    /** Annotation naming the Secrets (comma-separated, the Hook's namespace) a hook is given as files. */
    public static final String SECRETS_ANNOTATION = "hoist.io/hook-secrets";

    public HookSpec {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** A hook without annotations. */
    public HookSpec(String namespace, String name, String image, String playbook, String serviceAccount,
                    long deadlineSeconds, String step) {
        this(namespace, name, image, playbook, serviceAccount, deadlineSeconds, step, Map.of());
    }

    public boolean hasPlaybook() {
        return playbook != null && !playbook.isBlank();
    }

    /** The annotation's value, trimmed, or null when absent or blank. */
    public String annotation(String key) {
        String v = annotations.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
