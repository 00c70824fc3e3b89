package io.hoist.plugin.v2v.pod;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeDeviceBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hoist.api.HoistException;
import io.hoist.api.convert.ConversionListener;
import io.hoist.api.convert.ConversionRequest;
import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.ConvertibleDisk;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.destination.ClusterAccess;
import io.hoist.api.destination.DiskLocation;
import io.hoist.plugin.v2v.DomainXml;
import io.hoist.plugin.v2v.LogTail;
import io.hoist.plugin.v2v.V2vProgress;
import io.hoist.plugin.v2v.guest.V2vFacts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversion pod for cluster destinations, as MTV runs it: a Job in the VM's namespace whose pod has the
 * VM's PVCs attached (file systems at {@code /mnt/disks/diskN}, block volumes at {@code /dev/blockN}) and runs
 * virt-v2v-in-place on them. The Job's name is derived from the run, so after a platform restart the same Job
 * is found and followed instead of a second one started; a failed Job is kept for its logs and fails the VM
 * (an in-place conversion cut short is not re-run over a half-converted volume).
 */
public final class ConversionPod {
    public static final String LABEL_RUN = "hoist.io/conversion";
    public static final String DEFAULT_IMAGE = "quay.io/kubev2v/forklift-virt-v2v:latest";
    static final Duration POLL = Duration.ofSeconds(3);

    private final KubernetesClient client;
    private final Duration poll;

    public ConversionPod(KubernetesClient client, Duration poll) {
        this.client = client;
        this.poll = poll;
    }

    public static ConversionResult run(ConversionRequest request, ConversionListener listener) throws Exception {
        DiskLocation.ClusterVolume first = (DiskLocation.ClusterVolume) request.disks().get(0).location();
        try (KubernetesClient client = connect(first.cluster())) {
            return new ConversionPod(client, POLL).convert(request, listener);
        }
    }

    public ConversionResult convert(ConversionRequest request, ConversionListener listener) throws Exception {
        Job wanted = job(request);
        String ns = wanted.getMetadata().getNamespace();
        String name = wanted.getMetadata().getName();
        Job existing = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
        boolean reused = existing != null;
        if (existing == null) {
            listener.stage("Starting the conversion pod " + ns + "/" + name, 1);
            client.batch().v1().jobs().inNamespace(ns).resource(wanted).create();
        }
        V2vProgress progress = new V2vProgress(listener);
        while (true) {
            Job job = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
            if (job == null) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ConversionFailed",
                        "conversion job " + ns + "/" + name + " was deleted while converting");
            }
            Pod pod = podOf(ns, name);
            var status = job.getStatus();
            boolean succeeded = status != null && status.getSucceeded() != null && status.getSucceeded() > 0;
            boolean failed = status != null && status.getFailed() != null && status.getFailed() > 0;
            // virt-v2v -v -x writes a lot: while it runs only the log's tail is read, for the stage lines.
            String log = pod == null ? null : logOf(ns, pod, succeeded || failed ? null : 400);
            if (log != null) {
                log.lines().forEach(progress::accept);
            }
            if (succeeded || failed) {
                LogTail tail = new LogTail(LogTail.DEFAULT_LIMIT);
                V2vFacts facts = new V2vFacts();
                if (log != null) {
                    listener.restarted(); // the pod's whole log, read once it ended
                    for (String line : log.split("\n")) {
                        tail.add(line);
                        listener.output(line);
                        facts.accept(line);
                    }
                }
                String where = pod == null ? ns + "/" + name : ns + "/" + pod.getMetadata().getName();
                if (failed) {
                    String reason = facts.error() != null ? facts.error() : "the conversion pod failed (logs: " + where + ")";
                    String code = facts.noOperatingSystem() ? "GuestNotInspectable" : "ConversionFailed";
                    throw new HoistException(HoistException.Type.INTERNAL, code, "virt-v2v in pod " + where + ": " + reason);
                }
                if (request.options().deletePodOnSuccess()) {
                    client.batch().v1().jobs().inNamespace(ns).withName(name)
                            .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
                }
                List<String> warnings = new ArrayList<>();
                if (!request.staticAddresses().isEmpty() && !"windows".equals(facts.inspection().osType())) {
                    warnings.add("preserveStaticIPs: in a conversion pod, virt-v2v keeps static addresses on Windows guests only");
                }
                return new ConversionResult(facts.inspection(), reused, where, progress.timings(), warnings);
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** The Job for this request: deterministic name, the plan's convertor placement, the PVCs attached. */
    public static Job job(ConversionRequest request) {
        var options = request.options();
        String ns = null;
        List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.VolumeDevice> devices = new ArrayList<>();
        List<String> disks = new ArrayList<>();
        for (int i = 0; i < request.disks().size(); i++) {
            ConvertibleDisk d = request.disks().get(i);
            DiskLocation.ClusterVolume v = (DiskLocation.ClusterVolume) d.location();
            ns = v.namespace();
            String vol = "disk" + i;
            volumes.add(new VolumeBuilder().withName(vol).withNewPersistentVolumeClaim(v.claimName(), false).build());
            if ("Block".equals(v.volumeMode())) {
                devices.add(new VolumeDeviceBuilder().withName(vol).withDevicePath("/dev/block" + i).build());
                disks.add("/dev/block" + i);
            } else {
                mounts.add(new VolumeMountBuilder().withName(vol).withMountPath("/mnt/disks/disk" + i).build());
                disks.add("/mnt/disks/disk" + i + "/disk.img");
            }
        }
        if (options.tempStorageClass() != null && !options.tempStorageClass().isEmpty()) {
            volumes.add(new VolumeBuilder().withName("scratch").withNewEphemeral().withNewVolumeClaimTemplate()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(options.tempStorageClass())
                    .withNewResources().addToRequests("storage", new Quantity("10Gi")).endResources().endSpec()
                    .endVolumeClaimTemplate().endEphemeral().build());
            mounts.add(new VolumeMountBuilder().withName("scratch").withMountPath("/var/tmp").build());
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar("LIBGUESTFS_BACKEND", "direct", null));
        env.add(new EnvVar("HOIST_DOMAIN_XML", DomainXml.of(request.spec(),
                disks.stream().map(d -> new DomainXml.Disk(d, "raw", d.startsWith("/dev/"))).toList()), null));
        if (options.virtioWin() != null) {
            env.add(new EnvVar("VIRTIO_WIN", options.virtioWin(), null));
        }
        List<String> args = new ArrayList<>(List.of("virt-v2v-in-place", "-v", "-x", "-i", "libvirtxml", "/var/tmp/domain.xml"));
        for (GuestAddress a : request.staticAddresses()) {
            args.add("--mac");
            args.add(macIp(a));
        }
        String script = "printf '%s' \"$HOIST_DOMAIN_XML\" > /var/tmp/domain.xml && exec " + String.join(" ", args.stream().map(ConversionPod::quote).toList());
        Map<String, String> labels = new LinkedHashMap<>(options.labels());
        labels.put(LABEL_RUN, runLabel(request.runId()));
        request.spec().labels().forEach((k, v) -> {
            if (k.equals("plan") || k.equals("migration") || k.equals("vmID")) {
                labels.put(k, v);
            }
        });
        Affinity affinity = null;
        if (options.affinityJson() != null && !options.affinityJson().isBlank()) {
            affinity = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(options.affinityJson(), Affinity.class);
        }
        var podSpec = new PodSpecBuilder().withRestartPolicy("Never").withNodeSelector(options.nodeSelector().isEmpty() ? null : options.nodeSelector())
                .withAffinity(affinity)
                .withContainers(new ContainerBuilder().withName("virt-v2v").withImage(options.image() == null ? DEFAULT_IMAGE : options.image())
                        .withCommand("/bin/sh", "-c", script).withEnv(env).withVolumeMounts(mounts).withVolumeDevices(devices.isEmpty() ? null : devices)
                        .build())
                .withVolumes(volumes).build();
        return new JobBuilder().withNewMetadata().withName(jobName(request)).withNamespace(ns).withLabels(labels).endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withSpec(podSpec).endTemplate().endSpec().build();
    }

    /** {@code <vm>-v2v-<hash of the run>}: stable across restarts, unique per migration, a DNS label. */
    static String jobName(ConversionRequest r) {
        String vm = r.spec().name();
        String prefix = vm.length() > 40 ? vm.substring(0, 40).replaceAll("-+$", "") : vm;
        return prefix + "-v2v-" + runLabel(r.runId()).substring(0, 10);
    }

    static String runLabel(String runId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(runId.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** virt-v2v's {@code --mac MAC:ip:IP,GW,LEN,DNS...}. */
    static String macIp(GuestAddress a) {
        StringBuilder b = new StringBuilder(a.mac().toLowerCase(java.util.Locale.ROOT)).append(":ip:").append(a.ip());
        b.append(',').append(a.gateway() == null ? "" : a.gateway());
        b.append(',').append(a.prefixLength() > 0 ? Integer.toString(a.prefixLength()) : "");
        a.dns().forEach(d -> b.append(',').append(d));
        return b.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private Pod podOf(String ns, String job) {
        List<Pod> pods = client.pods().inNamespace(ns).withLabel("job-name", job).list().getItems();
        return pods.isEmpty() ? null : pods.get(pods.size() - 1);
    }

    /** The container's log, or only its last {@code tailLines} lines. */
    private String logOf(String ns, Pod pod, Integer tailLines) {
        try {
            var container = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).inContainer("virt-v2v");
            return tailLines == null ? container.getLog() : container.tailingLines(tailLines).getLog();
        } catch (KubernetesClientException e) {
            return null; // the container has not started yet
        }
    }

    static KubernetesClient connect(ClusterAccess access) {
        ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(access.server()).withOauthToken(access.token())
                .withRequestRetryBackoffLimit(2).withConnectionTimeout(10_000).withRequestTimeout(30_000);
        if (access.caCertPem() != null && !access.caCertPem().isBlank()) {
            b.withCaCertData(Base64.getEncoder().encodeToString(access.caCertPem().getBytes(StandardCharsets.UTF_8)));
        }
        if (access.insecureSkipVerify()) {
            b.withTrustCerts(true).withDisableHostnameVerification(true);
        }
        // fabric8 finds its HTTP client through the context class loader, which on a host thread cannot see the plugin's.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ConversionPod.class.getClassLoader());
        try {
            return new KubernetesClientBuilder().withConfig(b.build())
                    .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory()).build();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
