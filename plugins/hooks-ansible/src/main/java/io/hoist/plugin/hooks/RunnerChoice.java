package io.hoist.plugin.hooks;

import io.hoist.api.Condition;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.hooks.local.LocalPlaybookRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a Hook runs, decided as a user of MTV would expect: a cluster destination ({@code type: openshift} with
 * an https URL, or none: the platform's own cluster) runs MTV's hook Job there; a folder destination
 * ({@code file://}, the embedded default) has no cluster, so the playbook runs with the Hoist host's
 * ansible-playbook. The Hook's annotation {@value #ANNOTATION}{@code : local|job} overrides.
 */
public record RunnerChoice(Mode mode, List<Condition> conditions) {
    public static final String ANNOTATION = "hoist.io/hook-runner";
    public static final String DEFAULT_IMAGE = "quay.io/kubev2v/hook-runner";
    /** Images that only run the playbook they are given (MTV's, upstream and downstream). */
    static final List<String> RUNNER_IMAGES = List.of("quay.io/kubev2v/hook-runner", "quay.io/konveyor/hook-runner",
            "registry.redhat.io/rhmtc/openshift-migration-hook-runner");

    public enum Mode { LOCAL, JOB, NONE }

    public static boolean isCluster(ProviderConfig destination) {
        return "openshift".equals(destination.type()) && !destination.url().startsWith("file:");
    }

    public static RunnerChoice of(HookSpec hook, ProviderConfig destination) {
        List<Condition> out = new ArrayList<>();
        String name = "hook " + hook.namespace() + "/" + hook.name();
        String asked = hook.annotation(ANNOTATION);
        if (asked != null && !asked.equals("local") && !asked.equals("job")) {
            out.add(critical(name + ": annotation " + ANNOTATION + ": '" + asked + "' must be local or job"));
            return new RunnerChoice(Mode.NONE, out);
        }
        boolean cluster = isCluster(destination);
        if (!hook.hasPlaybook() && (hook.image() == null || hook.image().isBlank())) {
            out.add(critical(name + " has neither a playbook nor an image (spec.aap, Ansible Automation Platform job"
                    + " templates, is not supported)"));
            return new RunnerChoice(Mode.NONE, out);
        }
        Mode mode = asked == null ? (cluster ? Mode.JOB : Mode.LOCAL) : asked.equals("job") ? Mode.JOB : Mode.LOCAL;
        if (mode == Mode.JOB) {
            if (!cluster) {
                out.add(critical(name + " asks for a Job (" + ANNOTATION + ": job) but the destination provider "
                        + destination.name() + " is a folder (" + destination.url() + "), not a cluster"));
                return new RunnerChoice(Mode.NONE, out);
            }
            return new RunnerChoice(mode, out);
        }
        if (!hook.hasPlaybook()) {
            out.add(critical(name + " has no playbook (spec.playbook), only the image " + hook.image()
                    + (cluster ? ", which the local runner cannot run: remove " + ANNOTATION + ": local"
                    : ", and the destination " + destination.name() + " is a folder: without a cluster only a playbook can run,"
                    + " with the Hoist host's ansible-playbook")));
            return new RunnerChoice(Mode.NONE, out);
        }
        if (!LocalPlaybookRunner.ansibleInstalled()) {
            out.add(critical(name + " runs on the Hoist host but ansible-playbook is not installed there"
                    + " (Debian: apt-get install ansible-core)"));
            return new RunnerChoice(Mode.NONE, out);
        }
        if (hook.serviceAccount() != null && !hook.serviceAccount().isBlank()) {
            out.add(ignored(name + ": spec.serviceAccount " + hook.serviceAccount()
                    + " is not used: the playbook runs on the Hoist host, not in a cluster"));
        }
        if (hook.image() != null && !hook.image().isBlank() && RUNNER_IMAGES.stream().noneMatch(hook.image()::startsWith)) {
            out.add(ignored(name + ": spec.image " + hook.image() + " is not used: the playbook runs with the Hoist host's"
                    + " ansible-core (modules and collections of that image are not available)"));
        }
        return new RunnerChoice(mode, out);
    }

    private static Condition critical(String message) {
        return Condition.isTrue("HookNotValid", "NotValid", Condition.Category.Critical, message);
    }

    private static Condition ignored(String message) {
        return Condition.isTrue("HookFieldIgnored", "NotSupported", Condition.Category.Warn, message);
    }
}
