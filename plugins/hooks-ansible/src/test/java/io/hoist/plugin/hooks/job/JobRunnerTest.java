package io.hoist.plugin.hooks.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hoist.api.HoistException;
import io.hoist.api.hook.HookSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.hooks.testing.HookRunForTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Job runner against fabric8's Kubernetes mock server (CRUD, HTTPS with its own CA, which the destination's
 * {@code cacert} trusts). The test plays the Job controller and kubelet: it makes the hook's pod, its log and the
 * Job's final status.
 */
class JobRunnerTest {
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;
    KubernetesMockServer server;
    MockWebServer web;
    NamespacedKubernetesClient client;
    ProviderConfig cluster;

    @BeforeEach
    void cluster() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        web = new MockWebServer();
        var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
        server = new KubernetesMockServer(new Context(), web, responses, new KubernetesMixedDispatcher(responses), true);
        server.init();
        client = server.createClient();
        String ca = Files.readString(Path.of(web.getSelfSignedCertificate().certificatePath()));
        cluster = new ProviderConfig("uid-host", "hoist", "host", "openshift", server.url("/").replaceAll("/$", ""),
                Map.of(), Map.of("token", "sa-token", "cacert", ca));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    HookRunForTest run(String step, long deadline) throws Exception {
        HookRunForTest r = HookRunForTest.ova(Files.createDirectories(tmp.resolve("state-" + System.nanoTime())), step,
                "- hosts: localhost\n  tasks: [{debug: {msg: hi}}]\n", deadline).withDestination(cluster);
        return r.withHook(new HookSpec("hoist", "check", null, r.hook().playbook(), "hook-sa", deadline, step));
    }

    /** Waits for the run's Job, then makes its pod with {@code log} and gives the Job {@code status}. */
    Job playController(HookRunForTest r, String log, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) throws Exception {
        Job job = awaitJob(r);
        String pod = job.getMetadata().getName() + "pod1";
        client.pods().inNamespace("demo").resource(new PodBuilder().withNewMetadata().withName(pod)
                .withLabels(job.getSpec().getTemplate().getMetadata().getLabels()).endMetadata().build()).create();
        server.expect().get().withPath("/api/v1/namespaces/demo/pods/" + pod + "/log?pretty=false").andReturn(200, log).always();
        job.setStatus(status);
        client.batch().v1().jobs().inNamespace("demo").resource(job).updateStatus();
        return job;
    }

    Job awaitJob(HookRunForTest r) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            List<Job> jobs = client.batch().v1().jobs().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems();
            if (!jobs.isEmpty()) {
                return jobs.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the runner created no Job");
    }

    static CompletableFuture<Object> start(HookRunForTest r) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new JobRunner().run(r);
            } catch (Exception e) {
                return e;
            }
        });
    }

    @Test
    void succeededJobGivesTheLogAndIsCleanedUp() throws Exception {
        HookRunForTest r = run("PreHook", 600);
        CompletableFuture<Object> f = start(r);
        Job job = playController(r, """
                TASK [debug] *******************************************************************
                ok: [localhost] => {"msg": "hi"}

                PLAY RECAP *********************************************************************
                localhost                  : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
                """, new JobStatusBuilder().withSucceeded(1).addToConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).build());
        // What MTV's controller builds: image, command, volume, service account, deadline, labels.
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("quay.io/kubev2v/hook-runner");
        assertThat(pod.getContainers().get(0).getCommand()).containsExactly("/bin/entrypoint", "ansible-runner", "run", "/tmp/runner", "-p",
                "/tmp/hook/playbook.yml");
        assertThat(pod.getContainers().get(0).getVolumeMounts().get(0).getMountPath()).isEqualTo("/tmp/hook");
        assertThat(pod.getServiceAccountName()).isEqualTo("hook-sa");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getMetadata().getLabels()).containsEntry(HookJobs.LABEL_PLAN, "plan-uid").containsEntry(HookJobs.LABEL_VM, "ova-vm-1")
                .containsEntry(HookJobs.LABEL_STEP, "PreHook").containsEntry(HookJobs.LABEL_MIGRATION, "migration-uid");
        assertThat(job.getMetadata().getName()).startsWith("demo-ova-vm-1-prehook-");
        ConfigMap cm = client.configMaps().inNamespace("demo").withName(pod.getVolumes().get(0).getConfigMap().getName()).get();
        assertThat(cm.getData()).containsOnlyKeys("playbook.yml", "plan.yml", "workload.yml");
        assertThat(cm.getData().get("playbook.yml")).contains("debug");
        JsonNode workload = YAML.readTree(cm.getData().get("workload.yml"));
        assertThat(workload.at("/vm/vm1/vm0/name").asText()).isEqualTo("web-01");
        assertThat(YAML.readTree(cm.getData().get("plan.yml")).at("/provider/source/name").asText()).isEqualTo("ova-local");

        assertThat(f.get()).isEqualTo("Job demo/" + job.getMetadata().getName() + " succeeded: localhost ok=1 changed=0 unreachable=0"
                + " failed=0 skipped=0 rescued=0 ignored=0");
        assertThat(r.log().toString()).contains("ok: [localhost] => {\"msg\": \"hi\"}");
        assertThat(client.batch().v1().jobs().inNamespace("demo").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems()).isEmpty();
        // After a restart: the recorded outcome, no new Job.
        assertThat(new JobRunner().run(r)).isEqualTo(f.get());
        assertThat(client.batch().v1().jobs().inNamespace("demo").list().getItems()).isEmpty();
    }

    @Test
    void failedJobFailsWithAnsiblesMessageAndIsKeptUntilArchive() throws Exception {
        HookRunForTest r = run("PostHook", 0).withSecrets(Map.of("ssh-credentials", Map.of("key", "PRIVATE")));
        CompletableFuture<Object> f = start(r);
        Job job = playController(r, """
                TASK [Check the service] *******************************************************
                fatal: [localhost]: FAILED! => {"changed": false, "msg": "service nginx is not running"}
                """, new JobStatusBuilder().withFailed(1).addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                .withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit").build()).build());
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isNull();
        assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("hook", "hook-secrets");
        assertThat(f.get()).isInstanceOfSatisfying(HoistException.class, e -> {
            assertThat(e.code()).isEqualTo("HookFailed");
            assertThat(e.getMessage()).isEqualTo("hook hoist/check failed (Job demo/" + job.getMetadata().getName()
                    + "): task \"Check the service\" failed on localhost: service nginx is not running");
        });
        assertThat(client.batch().v1().jobs().inNamespace("demo").list().getItems()).hasSize(1);
        assertThat(client.configMaps().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems()).hasSize(1);
        assertThat(client.secrets().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems()).hasSize(1);
        new JobRunner().cleanup(r);
        assertThat(client.batch().v1().jobs().inNamespace("demo").list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace("demo").withLabel(HookJobs.LABEL_RUN, r.runId()).list().getItems()).isEmpty();
    }

    @Test
    void jobPastItsDeadlineFailsTheHook() throws Exception {
        HookRunForTest r = run("PreHook", 3);
        CompletableFuture<Object> f = start(r);
        Job job = playController(r, "TASK [pause] ***\nPausing for 600 seconds\n", new JobStatusBuilder().withFailed(1)
                .addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True").withReason("DeadlineExceeded")
                        .withMessage("Job was active longer than specified deadline").build()).build());
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(3L);
        assertThat(f.get()).isInstanceOfSatisfying(HoistException.class, e -> {
            assertThat(e.code()).isEqualTo("HookDeadlineExceeded");
            assertThat(e.getMessage()).endsWith("DeadlineExceeded: Job was active longer than specified deadline");
        });
    }

    @Test
    void aRestartFollowsTheJobAlreadyCreated() throws Exception {
        HookRunForTest r = run("PreHook", 0);
        CompletableFuture<Object> first = start(r);
        Job job = awaitJob(r);
        // Another runner with the same run id (the platform restarted) finds the Job and creates none.
        CompletableFuture<Object> second = start(r);
        Thread.sleep(500);
        assertThat(client.batch().v1().jobs().inNamespace("demo").list().getItems()).hasSize(1);
        r.cancel().set(true);
        assertThat(first.get()).isInstanceOfSatisfying(HoistException.class, e -> assertThat(e.code()).isEqualTo("HookCanceled"));
        assertThat(second.get()).isInstanceOf(HoistException.class);
        assertThat(client.batch().v1().jobs().inNamespace("demo").withName(job.getMetadata().getName()).get()).isNull();
    }
}
