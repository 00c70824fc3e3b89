package io.hoist.core.engine.hooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.Condition;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.core.engine.runtime.Extensions;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.resource.Hook;
import io.hoist.core.store.ResourceStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the plan controller and the VM runs share about hooks: the runner-neutral {@link HookSpec} of a Hook
 * resource, the choice of runner (the first whose {@code check} has no Critical or Error condition), the
 * Secrets a Hook names, and the stable id of one run. No runner is known here by name.
 */
public final class Hooks {
    private Hooks() {}

    /** The spec a runner sees; the playbook decoded as MTV stores it (base64, line breaks allowed). */
    public static HookSpec spec(Hook hook, String step) {
        Hook.Spec s = hook.spec == null ? new Hook.Spec() : hook.spec;
        Hook.Spec.playbookProblem(s.playbook).ifPresent(problem -> {
            throw new IllegalArgumentException(problem); // the Hook's InvalidPlaybook condition says the same
        });
        String playbook = s.playbook == null || s.playbook.isBlank() ? null
                : new String(Base64.getMimeDecoder().decode(s.playbook.strip()), StandardCharsets.UTF_8);
        Map<String, String> annotations = hook.metadata == null || hook.metadata.annotations == null
                ? Map.of() : hook.metadata.annotations;
        return new HookSpec(hook.namespace(), hook.name(), s.image, playbook, s.serviceAccount,
                s.deadline == null ? 0 : s.deadline, step, annotations);
    }

    /** A runner and what it said (its Warn conditions), or why no runner can run the hook. */
    public record Choice(Optional<HookRunner> runner, List<Condition> warnings, List<String> refusals) {
        public String refusal() {
            return refusals.isEmpty() ? "no hook runner is installed" : String.join("; ", refusals);
        }
    }

    public static Choice choose(Extensions extensions, HookSpec spec, ProviderConfig destination) {
        List<String> refusals = new ArrayList<>();
        for (HookRunner r : extensions.hookRunners()) {
            List<Condition> said;
            try {
                said = extensions.call(r, () -> r.check(spec, destination));
            } catch (Exception e) {
                refusals.add(r.name() + ": " + e.getMessage());
                continue;
            }
            List<Condition> blocking = said.stream().filter(c -> c.category() == Condition.Category.Critical
                    || c.category() == Condition.Category.Error).toList();
            if (blocking.isEmpty()) {
                return new Choice(Optional.of(r), said, List.of());
            }
            blocking.forEach(c -> refusals.add(c.message()));
        }
        return new Choice(Optional.empty(), List.of(), refusals);
    }

    /** The Secret names in {@value HookSpec#SECRETS_ANNOTATION}, in order, without blanks or repeats. */
    public static List<String> secretNames(HookSpec spec) {
        String v = spec.annotation(HookSpec.SECRETS_ANNOTATION);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String n = s.strip();
            if (!n.isEmpty() && !out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Names of the Secrets the hook needs that are not in its namespace. */
    public static List<String> missingSecrets(ResourceStore store, HookSpec spec) {
        return secretNames(spec).stream().filter(n -> store.get(ResourceKind.SECRET, spec.namespace(), n).isEmpty()).toList();
    }

    /** The named Secrets, decoded; fails naming the first missing one. */
    public static Map<String, Map<String, String>> secrets(ResourceStore store, HookSpec spec) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String n : secretNames(spec)) {
            ObjectNode secret = store.get(ResourceKind.SECRET, spec.namespace(), n).orElseThrow(() ->
                    new io.hoist.api.HoistException(io.hoist.api.HoistException.Type.USER_ERROR, "HookNotValid",
                            "hook " + spec.name() + ": Secret " + spec.namespace() + "/" + n + " named in "
                                    + HookSpec.SECRETS_ANNOTATION + " not found"));
            out.put(n, Map.copyOf(ProviderRuntime.secretData(secret)));
        }
        return out;
    }

    /** {@code prehook-<hash>}: one per migration, VM and step; a file name and a label value. */
    public static String runId(String migrationUid, String vmId, String step) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((migrationUid + "\n" + vmId + "\n" + step).getBytes(StandardCharsets.UTF_8));
            return step.toLowerCase(java.util.Locale.ROOT) + "-" + HexFormat.of().formatHex(d, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a VM's hook runs keep their state: {@code DATA/hooks/<plan uid>/<vm>}. */
    public static java.nio.file.Path stateRoot(java.nio.file.Path dataDir, String planUid, String vmId) {
        return dataDir.resolve("hooks").resolve(StepLogs.segment(planUid)).resolve(StepLogs.segment(vmId));
    }

    public static void deleteState(java.nio.file.Path dataDir, String planUid, String vmId) {
        StepLogs.deleteTree(stateRoot(dataDir, planUid, vmId));
    }
}
