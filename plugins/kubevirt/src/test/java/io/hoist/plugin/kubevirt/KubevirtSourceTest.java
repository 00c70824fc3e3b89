package io.hoist.plugin.kubevirt;

import io.hoist.plugin.kubevirt.disk.VmExports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.hoist.api.HoistException;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.plugin.kubevirt.KubevirtDestinationProviderFactory;
import io.hoist.plugin.kubevirt.KubevirtSourceProviderFactory;
import io.hoist.plugin.kubevirt.manifest.Labels;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.testing.Hosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.kubevirt.testing.KubevirtClusterForTest;
import io.hoist.plugin.kubevirt.testing.KubevirtSchemas;
import io.hoist.plugin.kubevirt.testing.VmExportServerForTest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubevirtSourceTest {
    private static final int ROOT_SIZE = 3 << 20;

    @TempDir
    Path tmp;

    private KubevirtClusterForTest cluster;
    private VmExportServerForTest exportServer;
    private HostContextTestDouble host;
    private byte[] rootImage;

    @BeforeEach
    void start() throws Exception {
        cluster = new KubevirtClusterForTest();
        exportServer = new VmExportServerForTest(cluster.client, cluster.provider(Map.of()).caCertPem());
        host = Hosts.create(tmp);
        var c = cluster.client;
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build()).create();
        c.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("ceph-rbd").endMetadata()
                .withProvisioner("rbd.csi.ceph.com").build()).create();
        createPvc("db-root", "3Mi");
        createPvc("db-data", "1Gi");
        cluster.create(KubeResources.NETWORK_ATTACHMENT_DEFINITION, "apps", Map.of("apiVersion", "k8s.cni.cncf.io/v1", "kind", "NetworkAttachmentDefinition",
                "metadata", Map.of("name", "backend", "namespace", "apps"), "spec", Map.of("config", "{}")));
        for (String dv : List.of("db-root", "db-data")) {
            cluster.create(KubeResources.DATA_VOLUME, "apps", Map.of("apiVersion", "cdi.kubevirt.io/v1beta1", "kind", "DataVolume",
                    "metadata", Map.of("name", dv, "namespace", "apps"),
                    "spec", Map.of("source", Map.of("blank", Map.of()), "storage", Map.of("resources", Map.of("requests", Map.of("storage", "1Gi"))))));
        }
        Map<String, Object> vm = Map.of("apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                "metadata", Map.of("name", "db", "namespace", "apps"),
                "spec", Map.of("runStrategy", "Always", "template", Map.of("spec", Map.of(
                        "domain", Map.of(
                                "cpu", Map.of("sockets", 2, "cores", 2, "threads", 1),
                                "memory", Map.of("guest", "6Gi"),
                                "firmware", Map.of("bootloader", Map.of("efi", Map.of("secureBoot", true))),
                                "features", Map.of("smm", Map.of("enabled", true)),
                                "clock", Map.of("timezone", "Europe/Berlin"),
                                "devices", Map.of(
                                        "rng", Map.of(),
                                        "disks", List.of(Map.of("name", "root", "disk", Map.of("bus", "virtio"), "bootOrder", 1),
                                                Map.of("name", "data", "disk", Map.of("bus", "scsi")),
                                                Map.of("name", "cloudinit", "disk", Map.of("bus", "virtio"))),
                                        "interfaces", List.of(Map.of("name", "default", "masquerade", Map.of(), "macAddress", "02:00:00:00:00:01"),
                                                Map.of("name", "backend", "bridge", Map.of(), "macAddress", "02:00:00:00:00:02")))),
                        "networks", List.of(Map.of("name", "default", "pod", Map.of()),
                                Map.of("name", "backend", "multus", Map.of("networkName", "backend"))),
                        "volumes", List.of(Map.of("name", "root", "dataVolume", Map.of("name", "db-root")),
                                Map.of("name", "data", "dataVolume", Map.of("name", "db-data")),
                                Map.of("name", "cloudinit", "cloudInitNoCloud", Map.of("userData", "#cloud-config")))))));
        assertThat(KubevirtSchemas.errors(vm)).isEmpty();
        cluster.create(KubeResources.VIRTUAL_MACHINE, "apps", vm);
        rootImage = new byte[ROOT_SIZE];
        new Random(42).nextBytes(rootImage);
        exportServer.putVolume("apps", "db-root", rootImage);
    }

    private void createPvc(String name, String size) {
        PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace("apps").endMetadata()
                .withNewSpec().withStorageClassName("ceph-rbd").withAccessModes("ReadWriteOnce")
                .withNewResources().addToRequests("storage", new Quantity(size)).endResources().endSpec().build();
        cluster.client.persistentVolumeClaims().inNamespace("apps").resource(pvc).create();
    }

    @AfterEach
    void stop() throws Exception {
        exportServer.close();
        cluster.close();
    }

    private SourceProvider source(Map<String, String> settings) throws Exception {
        ProviderConfig config = cluster.provider(settings);
        KubevirtSourceProviderFactory factory = new KubevirtSourceProviderFactory();
        assertThat(factory.acceptsSource(config)).isTrue();
        assertThat(factory.acceptsSource(new ProviderConfig("u", "n", "n", "openshift", "", Map.of(), Map.of()))).isFalse();
        assertThat(factory.acceptsSource(new ProviderConfig("u", "n", "n", "openshift", "file:///x", Map.of(), Map.of()))).isFalse();
        return factory.create(config, host);
    }

    @Test
    void publishesTheInventoryCollectionsInMtvShape() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            source.collectInventory(host.inventory());
        }
        var inv = host.inventory();
        assertThat(inv.calls()).containsOnlyOnce("begin", "end").doesNotContain("fail");
        assertThat(inv.calls().getFirst()).isEqualTo("begin");
        assertThat(inv.calls().getLast()).isEqualTo("end");
        assertThat(inv.collections).containsKeys("namespaces", "vms", "datavolumes", "persistentvolumeclaims", "storageclasses",
                "networkattachmentdefinitions");
        assertThat(inv.collections.get("datavolumes")).hasSize(2);
        assertThat(inv.collections.get("storageclasses")).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> vm = (Map<String, Object>) inv.collections.get("vms").values().iterator().next();
        assertThat(vm).containsEntry("name", "db").containsEntry("namespace", "apps").containsKeys("id", "version", "object");
        assertThat(inv.workloads).containsKey((String) vm.get("id"));
    }

    @Test
    void watchFollowsChangesAfterTheCollection() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            source.collectInventory(host.inventory());
            assertThat(source).isInstanceOf(io.hoist.api.source.WatchesInventory.class);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread watcher = new Thread(() -> {
                try {
                    ((io.hoist.api.source.WatchesInventory) source).watch(host.inventory(), stop::get);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            watcher.start();
            try {
                // fabric8's mock server ignores a watch's resourceVersion (a real API server replays from it): a change
                // made before the watch reaches the server would be lost, so the test changes things only after that.
                awaitWatchRequests("persistentvolumeclaims", "network-attachment-definitions");
                createPvc("late", "2Mi");
                String lateUid = cluster.client.persistentVolumeClaims().inNamespace("apps").withName("late").get().getMetadata().getUid();
                awaitTrue(() -> host.inventory().collection("persistentvolumeclaims").containsKey(lateUid));
                String nadUid = cluster.client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inNamespace("apps")
                        .withName("backend").get().getMetadata().getUid();
                assertThat(host.inventory().collection("networkattachmentdefinitions")).containsKey(nadUid);
                cluster.client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inNamespace("apps").withName("backend").delete();
                awaitTrue(() -> !host.inventory().collection("networkattachmentdefinitions").containsKey(nadUid));
            } finally {
                stop.set(true);
                watcher.join(5000);
            }
            assertThat(watcher.isAlive()).isFalse();
        }
    }

    private void awaitWatchRequests(String... resources) throws InterruptedException {
        java.util.Set<String> missing = new java.util.HashSet<>(List.of(resources));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!missing.isEmpty()) {
            assertThat(System.nanoTime()).as("watches of %s not opened within 120 s", missing).isLessThan(deadline);
            var request = cluster.server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (request != null && request.getPath().contains("watch=true")) {
                missing.removeIf(r -> request.getPath().contains("/" + r));
            }
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 120 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void describesTheVmForTheEngine() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            SourceVm vm = source.describe(new VmRef(null, "apps/db")).orElseThrow();
            assertThat(source.describe(new VmRef(vm.id(), null))).contains(vm);
            assertThat(source.describe(new VmRef(null, "db"))).contains(vm);
            assertThat(source.describe(new VmRef(null, "apps/nope"))).isEmpty();
            assertThat(vm.sockets()).isEqualTo(2);
            assertThat(vm.coresPerSocket()).isEqualTo(2);
            assertThat(vm.memoryBytes()).isEqualTo(6L << 30);
            assertThat(vm.firmware()).isEqualTo(Firmware.EFI);
            assertThat(vm.secureBoot()).isTrue();
            assertThat(vm.powerState()).isEqualTo(PowerState.ON);
            assertThat(vm.disks()).extracting(d -> d.id(), d -> d.capacity(), d -> d.storageId(), d -> d.bus(), d -> d.bootOrder())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("db-root", (long) ROOT_SIZE, "ceph-rbd", "virtio", 1),
                            org.assertj.core.groups.Tuple.tuple("db-data", 1L << 30, "ceph-rbd", "scsi", 0));
            String nadUid = cluster.client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inNamespace("apps")
                    .withName("backend").get().getMetadata().getUid();
            assertThat(nadUid).isNotBlank();
            assertThat(vm.nics()).extracting(n -> n.mac(), n -> n.networkId(), n -> n.networkName())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("02:00:00:00:00:01", "pod", "pod"),
                            org.assertj.core.groups.Tuple.tuple("02:00:00:00:00:02", nadUid, "backend"));
        }
    }

    @Test
    void copiesADiskThroughAVirtualMachineExportAndRemovesIt() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            SourceVm vm = source.describe(new VmRef(null, "apps/db")).orElseThrow();
            source.powerOff(vm);
            assertThat(source.powerState(vm)).isEqualTo(PowerState.OFF);
            byte[] copy = new byte[ROOT_SIZE];
            try (DiskReader reader = source.openDisk(vm, vm.disks().get(0), null)) {
                GenericKubernetesResource export = cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps").get(0);
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = cluster.client.getKubernetesSerialization().convertValue(export, Map.class);
                manifest.remove("status");
                assertThat(KubevirtSchemas.errors(manifest)).isEmpty();
                assertThat(reader.size()).isEqualTo(ROOT_SIZE);
                for (int off = 0; off < ROOT_SIZE; off += 1 << 20) {
                    reader.read(off, ByteBuffer.wrap(copy, off, 1 << 20));
                }
            }
            assertThat(copy).isEqualTo(rootImage);
            assertThat(Hosts.httpTls(host).values()).singleElement()
                    .satisfies(tls -> assertThat(tls.caCertPem()).isEqualTo(cluster.provider(Map.of()).caCertPem()));
            assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps")).isEmpty();
            assertThat(cluster.client.secrets().inNamespace("apps").list().getItems()).isEmpty();
            source.powerOn(vm);
            assertThat(source.powerState(vm)).isEqualTo(PowerState.ON);
        }
    }

    @Test
    void anExportLeftByACrashIsAdoptedAndAForeignOneIsNeverUsed() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            SourceVm vm = source.describe(new VmRef(null, "apps/db")).orElseThrow();
            source.powerOff(vm);
            // The first run's reader is never closed: as if the process died mid-copy.
            DiskReader leaked = source.openDisk(vm, vm.disks().get(0), null);
            assertThat(leaked.size()).isEqualTo(ROOT_SIZE);
            try (SourceProvider restarted = source(Map.of())) {
                try (DiskReader reader = restarted.openDisk(vm, vm.disks().get(0), null)) {
                    assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps")).hasSize(1);
                    byte[] head = new byte[4096];
                    reader.read(0, ByteBuffer.wrap(head));
                    assertThat(head).isEqualTo(java.util.Arrays.copyOf(rootImage, 4096));
                }
            }
            assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps")).isEmpty();

            cluster.create(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps", VmExports.exportManifest("apps", "hoist-db", "db", "someone-else"));
            GenericKubernetesResource foreign = cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps").get(0);
            foreign.getMetadata().setLabels(Map.of("owner", "backup-tool"));
            cluster.client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT).inNamespace("apps").resource(foreign).update();
            assertThatThrownBy(() -> source.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("not created by Hoist");
            assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE_EXPORT, "apps")).hasSize(1);
            assertThat(cluster.client.secrets().inNamespace("apps").list().getItems()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMigratedVmKeepsTheSourceSpecExceptWhatTheMappingsChange() throws Exception {
        try (SourceProvider source = source(Map.of())) {
            source.collectInventory(host.inventory());
            SourceVm vm = source.describe(new VmRef(null, "apps/db")).orElseThrow();
            // As the engine renders it: StorageMap ceph-rbd -> fast, NetworkMap pod -> pod, apps/backend ignored.
            TargetVmSpec spec = new TargetVmSpec("migrated", "db", vm.id(), vm.name(), 2, 2, 1, vm.memoryBytes(), vm.firmware(),
                    vm.secureBoot(), false, null, "virtio", "Halted",
                    List.of(new TargetDisk("db-root", "db-root-m", false, "vol-root", ROOT_SIZE, "fast", null, null, 1),
                            new TargetDisk("db-data", "db-data-m", false, "vol-data", 1L << 30, "fast", null, null, 0)),
                    List.of(new TargetNic("net-0", "02:00:00:00:00:01", "pod", null, "virtio")),
                    Map.of("plan", "plan-9", "migration", "mig-9", "vmID", vm.id()),
                    Map.of(Labels.SOURCE_PROVIDER_ANNOTATION, Hosts.PROVIDER_UID), null);
            try (Destination dest = new KubevirtDestinationProviderFactory().create(cluster.provider(Map.of()), host)) {
                dest.createVm(spec, dest.allocateDisks(spec));
            }
        }
        GenericKubernetesResource migrated = cluster.client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE)
                .inNamespace("migrated").withName("db").get();
        Map<String, Object> manifest = cluster.client.getKubernetesSerialization().convertValue(migrated, Map.class);
        manifest.remove("status");
        assertThat(KubevirtSchemas.errors(manifest)).isEmpty();
        assertThat((String) migrated.get("spec", "runStrategy")).isEqualTo("Halted");
        assertThat((String) migrated.get("spec", "template", "spec", "domain", "clock", "timezone")).isEqualTo("Europe/Berlin");
        assertThat((Map<String, Object>) migrated.get("spec", "template", "spec", "domain", "devices")).containsKey("rng");
        assertThat((List<Map<String, Object>>) migrated.get("spec", "template", "spec", "domain", "devices", "disks"))
                .extracting(d -> d.get("name"), d -> ((Map<String, Object>) d.get("disk")).get("bus"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("vol-root", "virtio"), org.assertj.core.groups.Tuple.tuple("vol-data", "scsi"),
                        org.assertj.core.groups.Tuple.tuple("cloudinit", "virtio"));
        assertThat((List<Map<String, Object>>) migrated.get("spec", "template", "spec", "volumes"))
                .extracting(v -> v.get("name")).containsExactly("vol-root", "vol-data", "cloudinit");
        assertThat((String) migrated.get("spec", "template", "spec", "volumes", 0, "dataVolume", "name")).isEqualTo("db-root-m");
        assertThat((String) migrated.get("spec", "template", "spec", "volumes", 2, "cloudInitNoCloud", "userData")).isEqualTo("#cloud-config");
        assertThat((List<Map<String, Object>>) migrated.get("spec", "template", "spec", "domain", "devices", "interfaces"))
                .singleElement().satisfies(i -> assertThat(i).containsEntry("name", "net-0").containsEntry("macAddress", "02:00:00:00:00:01")
                        .containsKey("masquerade").doesNotContainKey("bridge"));
        assertThat((List<Map<String, Object>>) migrated.get("spec", "template", "spec", "networks"))
                .singleElement().satisfies(n -> assertThat(n).containsEntry("name", "net-0").containsKey("pod"));
    }

    @Test
    void aRunningVmIsNotExportedAndTheErrorSaysWhy() throws Exception {
        try (SourceProvider source = source(Map.of("exportReadyTimeoutSeconds", "1"))) {
            SourceVm vm = source.describe(new VmRef(null, "apps/db")).orElseThrow();
            assertThatThrownBy(() -> source.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("not Ready").hasMessageContaining("must be stopped");
        }
    }
}
