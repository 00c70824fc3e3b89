package io.hoist.api.hook;

/**
 * A Hook resource and where it runs.
 *
 * @param playbook        decoded Ansible playbook (spec.playbook is base64), may be null
 * @param step            PreHook | PostHook
 * @param deadlineSeconds 0 for none
 */
public record HookSpec(String namespace, String name, String image, String playbook, String serviceAccount,
                       long deadlineSeconds, String step) {}
