package io.hoist.plugin.hooks.job;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.hoist.api.hook.HookRun;
import io.hoist.api.host.Settings;
import io.hoist.plugin.hooks.RunnerChoice;
import io.hoist.plugin.hooks.mtv.MtvHookFiles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The objects MTV's controller creates for a hook (pkg/controller/plan/hook.go), built for one {@link HookRun}:
 * a ConfigMap with {@code playbook.yml}, {@code plan.yml}, {@code workload.yml} mounted at {@code /tmp/hook}, and
 * a Job running the Hook's image ({@value RunnerChoice#DEFAULT_IMAGE} when unset) with ansible-runner on the
 * playbook, the Hook's service account (else the plan's), the deadline as {@code activeDeadlineSeconds} and the
 * container requests/limits of MTV's {@code hooks_container_*} settings. Hoist adds the Secrets the Hook names,
 * as files under {@code /tmp/hook-secrets/<name>/<key>}, and no retry ({@code backoffLimit: 0}): a failed hook
 * fails the VM, and a restart of the VM runs it again.
 */
final class HookJobs {
    static final String LABEL_PLAN = "hoist.io/plan";
    static final String LABEL_MIGRATION = "hoist.io/migration";
    static final String LABEL_VM = "hoist.io/vm";
    static final String LABEL_STEP = "hoist.io/step";
    static final String LABEL_HOOK = "hoist.io/hook";
    static final String LABEL_RUN = "hoist.io/hook-run";
    static final String SECRETS_DIR = "/tmp/hook-secrets";
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");

    private HookJobs() {}

    static Map<String, String> labels(HookRun run) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(LABEL_PLAN, run.planUid());
        l.put(LABEL_MIGRATION, run.migrationUid());
        l.put(LABEL_VM, labelValue(run.vmId()));
        l.put(LABEL_STEP, run.hook().step());
        l.put(LABEL_HOOK, labelValue(run.hook().name()));
        l.put(LABEL_RUN, run.runId());
        return l;
    }

    /** A label value as is when valid, else a hash of it. */
    static String labelValue(String s) {
        if (s != null && LABEL_VALUE.matcher(s).matches()) {
            return s;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
            return "h-" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MTV's generateName {@code <plan>-<vm>-<step>-}, lower case, trimmed to a valid prefix. */
    static String generateName(HookRun run) {
        String raw = (run.planName() + "-" + run.vmId() + "-" + run.hook().step()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-");
        raw = raw.length() > 50 ? raw.substring(0, 50) : raw;
        raw = raw.replaceAll("^-+", "");
        return (raw.isEmpty() ? "hook" : raw.replaceAll("-+$", "")) + "-";
    }

    static ConfigMap configMap(HookRun run) {
        MtvHookFiles.Files files = MtvHookFiles.of(run.hook().playbook(), run.plan(), run.sourceProviderType(), run.workload());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("workload.yml", files.workload());
        data.put("playbook.yml", files.playbook());
        data.put("plan.yml", files.plan());
        return new ConfigMapBuilder().withNewMetadata().withGenerateName(generateName(run)).withNamespace(run.targetNamespace())
                .withLabels(labels(run)).endMetadata().withData(data).build();
    }

    /** One Secret with every key of the Secrets the Hook names (data keys s0, s1, ... mapped to name/key paths). */
    static Secret secret(HookRun run) {
        Map<String, String> data = new LinkedHashMap<>();
        int i = 0;
        for (var s : run.secrets().entrySet()) {
            for (var kv : s.getValue().entrySet()) {
                data.put("s" + i++, kv.getValue());
            }
        }
        return new SecretBuilder().withNewMetadata().withGenerateName(generateName(run)).withNamespace(run.targetNamespace())
                .withLabels(labels(run)).endMetadata().withType("Opaque").withStringData(data).build();
    }

    static List<KeyToPath> secretItems(HookRun run) {
        List<KeyToPath> out = new ArrayList<>();
        int i = 0;
        for (var s : run.secrets().entrySet()) {
            for (var kv : s.getValue().keySet()) {
                out.add(new io.fabric8.kubernetes.api.model.KeyToPathBuilder().withKey("s" + i++).withMode(0400).withPath(s.getKey() + "/" + kv).build());
            }
        }
        return out;
    }

    static Job job(HookRun run, ConfigMap configMap, Secret secretOrNull) {
        Settings settings = run.settings();
        String image = run.hook().image() == null || run.hook().image().isBlank() ? RunnerChoice.DEFAULT_IMAGE : run.hook().image();
        String sa = firstNonBlank(run.hook().serviceAccount(), planServiceAccount(run));
        long deadline = run.hook().deadlineSeconds();
        var b = new JobBuilder().withNewMetadata().withGenerateName(generateName(run)).withNamespace(run.targetNamespace())
                .withLabels(labels(run)).endMetadata()
                .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(deadline > 0 ? deadline : null)
                .withNewTemplate().withNewMetadata().withLabels(labels(run)).endMetadata()
                .withNewSpec().withRestartPolicy("Never").withServiceAccountName(sa)
                .withActiveDeadlineSeconds(deadline > 0 ? deadline : null)
                .addNewContainer().withName("hook").withImage(image)
                .withCommand(run.hook().hasPlaybook()
                        ? List.of("/bin/entrypoint", "ansible-runner", "run", "/tmp/runner", "-p", "/tmp/hook/playbook.yml")
                        : null)
                .withNewResources()
                .addToRequests("cpu", new Quantity(settings.get("hooks_container_requests_cpu", "100m")))
                .addToRequests("memory", new Quantity(settings.get("hooks_container_requests_memory", "150Mi")))
                .addToLimits("cpu", new Quantity(settings.get("hooks_container_limits_cpu", "1000m")))
                .addToLimits("memory", new Quantity(settings.get("hooks_container_limits_memory", "1Gi")))
                .endResources()
                .addNewVolumeMount().withName("hook").withMountPath("/tmp/hook").endVolumeMount();
        if (secretOrNull != null) {
            b = b.addNewVolumeMount().withName("hook-secrets").withMountPath(SECRETS_DIR).withReadOnly(true).endVolumeMount();
        }
        var spec = b.endContainer()
                .addNewVolume().withName("hook").withNewConfigMap().withName(configMap.getMetadata().getName()).endConfigMap().endVolume();
        if (secretOrNull != null) {
            spec = spec.addNewVolume().withName("hook-secrets").withNewSecret().withSecretName(secretOrNull.getMetadata().getName())
                    .withItems(secretItems(run)).withDefaultMode(0400).endSecret().endVolume();
        }
        return spec.endSpec().endTemplate().endSpec().build();
    }

    @SuppressWarnings("unchecked")
    private static String planServiceAccount(HookRun run) {
        Object spec = run.plan().get("spec");
        Object sa = spec instanceof Map<?, ?> m ? m.get("serviceAccount") : null;
        return sa == null ? null : sa.toString();
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
