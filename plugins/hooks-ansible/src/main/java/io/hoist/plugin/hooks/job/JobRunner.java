package io.hoist.plugin.hooks.job;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hoist.api.HoistException;
import io.hoist.api.hook.HookRun;
import io.hoist.plugin.hooks.ansible.AnsibleOutput;
import io.hoist.plugin.hooks.local.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs a hook as MTV does on a cluster destination: the ConfigMap and Job of {@link HookJobs} in the plan's target
 * namespace, found again by their {@code hoist.io/hook-run} label after a restart (never created twice), followed
 * through a watch until the Job completes or fails. The pod's log becomes the run's output. A succeeded Job and its
 * ConfigMap are deleted; a failed one is kept for inspection until the plan is archived ({@link #cleanup}).
 */
public final class JobRunner {
    /** How long past its deadline a Job may stay unfinished before the runner stops it itself. */
    static final Duration DEADLINE_GRACE = Duration.ofSeconds(30);
    private static final Duration RECHECK = Duration.ofSeconds(2);

    public String run(HookRun run) throws Exception {
        RunState state = new RunState(run.stateDir());
        var recorded = state.result();
        if (recorded.isPresent()) {
            return replay(recorded.get());
        }
        try (KubernetesClient client = ClusterClient.connect(run.destination())) {
            String ns = run.targetNamespace();
            Job job = find(client, run).orElse(null);
            if (job == null) {
                run.log().clear();
                job = create(client, run);
                run.log().append("hoist: created Job " + ns + "/" + job.getMetadata().getName() + " (image "
                        + job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage() + ")\n");
            } else {
                run.log().append("hoist: following Job " + ns + "/" + job.getMetadata().getName() + " started earlier\n");
            }
            return follow(client, run, state, job.getMetadata().getName());
        } catch (KubernetesClientException e) {
            throw new HoistException(e.getCode() == 401 || e.getCode() == 403 ? HoistException.Type.AUTH : HoistException.Type.UNAVAILABLE,
                    "HookJobFailed", "hook " + name(run) + ": the cluster refused a request (HTTP " + e.getCode() + "): "
                    + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()), e);
        }
    }

    /** Deletes the Jobs, ConfigMaps and Secrets of this plan's VM (every migration): at archive. */
    public void cleanup(HookRun run) {
        try (KubernetesClient client = ClusterClient.connect(run.destination())) {
            Map<String, String> selector = Map.of(HookJobs.LABEL_PLAN, run.planUid(), HookJobs.LABEL_VM, HookJobs.labelValue(run.vmId()));
            String ns = run.targetNamespace();
            client.batch().v1().jobs().inNamespace(ns).withLabels(selector).withPropagationPolicy(
                    io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
            client.configMaps().inNamespace(ns).withLabels(selector).delete();
            client.secrets().inNamespace(ns).withLabels(selector).delete();
        }
    }

    private static Optional<Job> find(KubernetesClient client, HookRun run) {
        return client.batch().v1().jobs().inNamespace(run.targetNamespace()).withLabel(HookJobs.LABEL_RUN, run.runId())
                .list().getItems().stream().findFirst();
    }

    private static Job create(KubernetesClient client, HookRun run) {
        String ns = run.targetNamespace();
        if (client.namespaces().withName(ns).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        ConfigMap cm = client.configMaps().inNamespace(ns).withLabel(HookJobs.LABEL_RUN, run.runId()).list().getItems().stream()
                .findFirst().orElseGet(() -> client.configMaps().inNamespace(ns).resource(HookJobs.configMap(run)).create());
        Secret secret = null;
        if (!run.secrets().isEmpty()) {
            secret = client.secrets().inNamespace(ns).withLabel(HookJobs.LABEL_RUN, run.runId()).list().getItems().stream()
                    .findFirst().orElseGet(() -> client.secrets().inNamespace(ns).resource(HookJobs.secret(run)).create());
        }
        return client.batch().v1().jobs().inNamespace(ns).resource(HookJobs.job(run, cm, secret)).create();
    }

    private String follow(KubernetesClient client, HookRun run, RunState state, String jobName) throws Exception {
        String ns = run.targetNamespace();
        var jobs = client.batch().v1().jobs().inNamespace(ns).withName(jobName);
        Semaphore changed = new Semaphore(0);
        Watch watch = jobs.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Job resource) {
                changed.release();
            }

            @Override
            public void onClose(WatcherException cause) {
                changed.release(); // the loop reads the Job again and keeps going on its timer
            }
        });
        try {
            long deadline = run.hook().deadlineSeconds();
            while (true) {
                Job job = jobs.get();
                if (job == null) {
                    return finish(client, run, state, null, new RunState.Result(false, "HookJobFailed",
                            "hook " + name(run) + ": Job " + ns + "/" + jobName + " was deleted before it finished"));
                }
                Optional<JobCondition> failed = condition(job, "Failed");
                if (failed.isPresent() || (job.getStatus() != null && job.getStatus().getFailed() != null && job.getStatus().getFailed() > 0)) {
                    String log = copyLogs(client, run);
                    String why = AnsibleOutput.failure(log).orElseGet(() -> failed.map(c -> c.getReason() + ": " + c.getMessage())
                            .orElse("its pod failed"));
                    String code = failed.map(JobCondition::getReason).filter("DeadlineExceeded"::equals).isPresent()
                            ? "HookDeadlineExceeded" : "HookFailed";
                    return finish(client, run, state, job, new RunState.Result(false, code,
                            "hook " + name(run) + " failed (Job " + ns + "/" + jobName + "): " + why));
                }
                if (condition(job, "Complete").isPresent()
                        || (job.getStatus() != null && job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0)) {
                    String log = copyLogs(client, run);
                    String recap = AnsibleOutput.recap(log);
                    return finish(client, run, state, job, new RunState.Result(true, "",
                            "Job " + ns + "/" + jobName + " succeeded" + (recap.isEmpty() ? "" : ": " + recap)));
                }
                if (run.canceled()) {
                    delete(client, run);
                    throw new HoistException(HoistException.Type.USER_ERROR, "HookCanceled", "hook " + name(run) + " was canceled; its Job was deleted");
                }
                if (deadline > 0 && startedLongerThan(job, Duration.ofSeconds(deadline).plus(DEADLINE_GRACE))) {
                    copyLogs(client, run);
                    delete(client, run);
                    return finish(client, run, state, null, new RunState.Result(false, "HookDeadlineExceeded", "hook " + name(run)
                            + " exceeded its deadline of " + deadline + " s and its Job was stopped"));
                }
                changed.tryAcquire(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
                changed.drainPermits();
            }
        } finally {
            watch.close();
        }
    }

    private String finish(KubernetesClient client, HookRun run, RunState state, Job job, RunState.Result result) {
        state.recordResult(result); // durable first: a restart from here on never creates the Job again
        if (result.ok()) {
            delete(client, run);
        } else if (job != null) {
            run.log().append("hoist: Job " + run.targetNamespace() + "/" + job.getMetadata().getName()
                    + " and its ConfigMap are kept for inspection until the plan is archived\n");
        }
        return replay(result);
    }

    private static void delete(KubernetesClient client, HookRun run) {
        String ns = run.targetNamespace();
        client.batch().v1().jobs().inNamespace(ns).withLabel(HookJobs.LABEL_RUN, run.runId())
                .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        client.configMaps().inNamespace(ns).withLabel(HookJobs.LABEL_RUN, run.runId()).delete();
        client.secrets().inNamespace(ns).withLabel(HookJobs.LABEL_RUN, run.runId()).delete();
    }

    /** The hook pods' logs, into the run's log (replacing what it had); returns them. */
    private static String copyLogs(KubernetesClient client, HookRun run) {
        StringBuilder all = new StringBuilder();
        List<Pod> pods = client.pods().inNamespace(run.targetNamespace()).withLabel(HookJobs.LABEL_RUN, run.runId()).list().getItems();
        for (Pod pod : pods) {
            try {
                String log = client.pods().inNamespace(run.targetNamespace()).withName(pod.getMetadata().getName()).getLog();
                all.append(log == null ? "" : log);
            } catch (KubernetesClientException e) {
                all.append("hoist: no log from pod ").append(pod.getMetadata().getName()).append(": HTTP ").append(e.getCode()).append('\n');
            }
        }
        run.log().clear();
        run.log().append(all.toString());
        return all.toString();
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    private static boolean startedLongerThan(Job job, Duration d) {
        String start = job.getStatus() != null && job.getStatus().getStartTime() != null ? job.getStatus().getStartTime()
                : job.getMetadata().getCreationTimestamp();
        if (start == null) {
            return false;
        }
        try {
            return java.time.Instant.parse(start).plus(d).isBefore(java.time.Instant.now());
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    private static String replay(RunState.Result result) {
        if (result.ok()) {
            return result.message();
        }
        throw new HoistException(HoistException.Type.USER_ERROR, result.code(), result.message());
    }

    private static String name(HookRun run) {
        return run.hook().namespace() + "/" + run.hook().name();
    }
}
