package io.hoist.plugin.v2v.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.hoist.api.HoistException;
import io.hoist.api.convert.ConversionOptions;
import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.ClusterAccess;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.plugin.v2v.testing.Requests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conversion pod on fabric8's Kubernetes mock server (CRUD mode; pod logs answered as the kubelet would). */
class ConversionPodTest {
    static final String LOG = """
            [   0.0] Setting up the source: -i libvirtxml /var/tmp/domain.xml
            [   1.1] Opening the source
            [  20.4] Inspecting the source
            i_type = linux
            i_distro = rhel
            i_osinfo = rhel9.4
            i_arch = x86_64
            i_major_version = 9
            i_minor_version = 4
            i_package_format = rpm
            i_firmware = UEFI
            [  31.0] Converting Red Hat Enterprise Linux 9.4 (Plow) to run on KVM
            gcaps_block_bus = virtio-blk
            gcaps_net_bus = virtio-net
            [  95.2] Finishing off
            """;

    /** Generous: CI's 2-core machine is busy with other modules' tests; a hang still fails the test. */
    static final Duration WAIT = Duration.ofSeconds(120);
    /** Its own thread, not the common pool (one thread on two cores), which the client's callbacks may need. */
    static final java.util.concurrent.ExecutorService CONVERTER = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    KubernetesMockServer server;
    NamespacedKubernetesClient client;

    @BeforeEach
    void start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), true);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    static ConversionRequest request(boolean deletePod) {
        TargetVmSpec base = Requests.spec("guest", "00:50:56:8a:14:01");
        TargetDisk second = new TargetDisk("disk-1", "guest-disk-1", false, "disk-1", 1L << 30, "fast", null, "Block", 0);
        TargetVmSpec spec = new TargetVmSpec(base.namespace(), base.name(), base.sourceVmId(), base.sourceVmName(), 1, 1, 1,
                base.memoryBytes(), base.firmware(), false, false, null, "virtio", "Halted", List.of(base.disks().get(0), second),
                base.nics(), base.labels(), base.annotations(), null);
        ClusterAccess access = new ClusterAccess("https://cluster.example:6443", "sekret-token", null, false);
        List<ConvertibleDisk> disks = List.of(
                new ConvertibleDisk(new AllocatedDisk(spec.disks().get(0), "guest-disk-0"),
                        new DiskLocation.ClusterVolume(access, "migrated", "guest-disk-0", "Filesystem")),
                new ConvertibleDisk(new AllocatedDisk(second, "guest-disk-1"),
                        new DiskLocation.ClusterVolume(access, "migrated", "guest-disk-1", "Block")));
        ConversionOptions options = new ConversionOptions(null, "/usr/local/virtio-win.iso", deletePod, "registry.example/v2v:2.7",
                Map.of("node-role.kubernetes.io/worker", ""), Map.of("team", "infra"),
                "{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":"
                        + "[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}", "scratch-class");
        return new ConversionRequest("migration-uid/vm-1", spec, disks, options,
                List.of(new GuestAddress("00:50:56:8A:14:01", "192.168.7.20", 24, "192.168.7.1", List.of("192.168.7.2"))));
    }

    @Test
    void theJobCarriesThePlansConvertorFieldsAndAttachesEveryVolume() {
        Job job = ConversionPod.job(request(false));
        assertThat(job.getMetadata().getNamespace()).isEqualTo("migrated");
        assertThat(job.getMetadata().getName()).startsWith("guest-v2v-").isEqualTo(ConversionPod.job(request(true)).getMetadata().getName());
        assertThat(job.getMetadata().getLabels()).containsEntry("team", "infra").containsEntry("plan", "plan-uid")
                .containsEntry("vmID", "vm-1").containsKey(ConversionPod.LABEL_RUN);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getNodeSelector()).containsEntry("node-role.kubernetes.io/worker", "");
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
                .get(0).getMatchExpressions().get(0).getKey()).isEqualTo("zone");
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.example/v2v:2.7");
        assertThat(c.getVolumeMounts()).anyMatch(m -> m.getName().equals("disk0") && m.getMountPath().equals("/mnt/disks/disk0"))
                .anyMatch(m -> m.getName().equals("scratch") && m.getMountPath().equals("/var/tmp"));
        assertThat(c.getVolumeDevices()).singleElement().satisfies(d -> assertThat(d.getDevicePath()).isEqualTo("/dev/block1"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName().equals("guest-disk-0"))
                .anyMatch(v -> v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName().equals("guest-disk-1"))
                .anyMatch(v -> v.getEphemeral() != null
                        && v.getEphemeral().getVolumeClaimTemplate().getSpec().getStorageClassName().equals("scratch-class"));
        assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("VIRTIO_WIN") && e.getValue().equals("/usr/local/virtio-win.iso"));
        String xml = c.getEnv().stream().filter(e -> e.getName().equals("HOIST_DOMAIN_XML")).findFirst().orElseThrow().getValue();
        assertThat(xml).contains("<source file='/mnt/disks/disk0/disk.img'/>").contains("<source dev='/dev/block1'/>");
        String script = c.getCommand().get(2);
        assertThat(script).contains("virt-v2v-in-place").contains("'--mac' '00:50:56:8a:14:01:ip:192.168.7.20,192.168.7.1,24,192.168.7.2'");
        assertThat(job.toString()).doesNotContain("sekret-token");
    }

    @Test
    void aSucceededPodGivesTheGuestFoundAndIsDeletedWhenThePlanSaysSo() throws Exception {
        ConversionRequest request = request(true);
        Job wanted = ConversionPod.job(request);
        String name = wanted.getMetadata().getName();
        List<String> stages = new ArrayList<>();
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ConversionResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return new ConversionPod(client, Duration.ofMillis(100)).convert(request, new ConversionListener() {
                    @Override
                    public void stage(String stage, int percent) {
                        stages.add(stage);
                    }

                    @Override
                    public void output(String line) {
                        output.add(line);
                    }
                });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, CONVERTER);
        Job created = awaitJob(name);
        assertThat(created.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example/v2v:2.7");
        kubeletRunsIt(name, LOG, true);
        ConversionResult r = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.reused()).isFalse();
        assertThat(r.inspection().osInfo()).isEqualTo("rhel9.4");
        assertThat(r.inspection().version()).isEqualTo("9.4");
        assertThat(r.inspection().firmware()).isEqualTo(io.hoist.api.source.Firmware.EFI);
        assertThat(r.inspection().virtioInstalled()).isTrue();
        assertThat(r.log()).isEqualTo("migrated/" + name + "-pod");
        assertThat(r.seconds()).containsEntry("appliance", 19.3).containsEntry("conversion", 64.2);
        assertThat(r.warnings()).singleElement().asString().contains("Windows guests only");
        assertThat(stages).contains("Inspecting the source", "Finishing off");
        assertThat(output).as("the pod's whole log, for hoist logs").containsExactlyElementsOf(List.of(LOG.split("\n")));
        assertThat(client.batch().v1().jobs().inNamespace("migrated").withName(name).get()).as("deleteGuestConversionPod").isNull();
    }

    @Test
    void aFailedPodFailsWithVirtV2vsReasonAndIsKeptForItsLogs() throws Exception {
        ConversionRequest request = request(true);
        String name = ConversionPod.job(request).getMetadata().getName();
        CompletableFuture<ConversionResult> result = CompletableFuture.supplyAsync(() -> {
            try {
                return new ConversionPod(client, Duration.ofMillis(100)).convert(request, (s, p) -> { });
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, CONVERTER);
        awaitJob(name);
        kubeletRunsIt(name, """
                [   1.1] Opening the source
                [  20.4] Inspecting the source
                virt-v2v-in-place: error: inspection could not detect the source guest (or physical machine).

                If reporting bugs, run virt-v2v with debugging enabled
                """, false);
        assertThatThrownBy(() -> result.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause().isInstanceOf(HoistException.class)
                .hasMessageContaining("inspection could not detect the source guest")
                .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("GuestNotInspectable"));
        assertThat(client.batch().v1().jobs().inNamespace("migrated").withName(name).get()).as("kept after failure").isNotNull();
    }

    @Test
    void afterARestartTheSameJobIsFollowedInsteadOfASecondOne() throws Exception {
        ConversionRequest request = request(false);
        Job job = ConversionPod.job(request);
        client.batch().v1().jobs().inNamespace("migrated").resource(job).create(); // started by the platform before it died
        kubeletRunsIt(job.getMetadata().getName(), LOG, true);
        ConversionResult r = new ConversionPod(client, Duration.ofMillis(100)).convert(request, (s, p) -> { });
        assertThat(r.reused()).isTrue();
        assertThat(r.inspection().distro()).isEqualTo("rhel");
        assertThat(client.batch().v1().jobs().inNamespace("migrated").list().getItems()).hasSize(1);
        assertThat(client.batch().v1().jobs().inNamespace("migrated").withName(job.getMetadata().getName()).get()).isNotNull();
    }

    private Job awaitJob(String name) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            Job j = client.batch().v1().jobs().inNamespace("migrated").withName(name).get();
            if (j != null) {
                return j;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + name + " was not created");
    }

    /** What the Job controller and kubelet would do: a pod for the job, its log, the job's final status. */
    private void kubeletRunsIt(String job, String log, boolean succeeded) {
        String pod = job + "-pod";
        client.pods().inNamespace("migrated").resource(new PodBuilder().withNewMetadata().withName(pod).withNamespace("migrated")
                .addToLabels("job-name", job).endMetadata().build()).create();
        server.expect().get().withPath("/api/v1/namespaces/migrated/pods/" + pod + "/log?pretty=false&container=virt-v2v")
                .andReturn(200, log).always();
        Job j = client.batch().v1().jobs().inNamespace("migrated").withName(job).get();
        j.setStatus(succeeded ? new JobStatusBuilder().withSucceeded(1).build() : new JobStatusBuilder().withFailed(1).build());
        client.batch().v1().jobs().inNamespace("migrated").resource(j).updateStatus();
    }
}
