package io.hoist.plugin.kubevirt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.plugin.kubevirt.KubevirtDestinationProviderFactory;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.manifest.Labels;
import io.hoist.plugin.kubevirt.manifest.Quantities;
import io.hoist.plugin.kubevirt.testing.Hosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.kubevirt.testing.KubevirtClusterForTest;
import io.hoist.plugin.kubevirt.testing.KubevirtSchemas;
import io.hoist.plugin.kubevirt.testing.TargetSpecs;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterDestinationTest {
    @TempDir
    java.nio.file.Path tmp;

    private KubevirtClusterForTest cluster;
    private HostContextTestDouble host;

    @BeforeEach
    void start() throws Exception {
        cluster = new KubevirtClusterForTest();
        host = Hosts.create(tmp);
        for (String nad : List.of("vlan-100", "transfer")) {
            Map<String, Object> manifest = Map.of("apiVersion", "k8s.cni.cncf.io/v1", "kind", "NetworkAttachmentDefinition",
                    "metadata", Map.of("name", nad, "namespace", "vlans"),
                    "spec", Map.of("config", "{\"cniVersion\":\"0.3.1\",\"type\":\"bridge\",\"bridge\":\"br1\"}"));
            assertThat(KubevirtSchemas.errors(manifest)).isEmpty();
            cluster.client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inNamespace("vlans")
                    .resource(cluster.client.getKubernetesSerialization().convertValue(manifest, GenericKubernetesResource.class)).create();
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Destination destination(Map<String, String> settings) throws Exception {
        ProviderConfig config = cluster.provider(settings);
        KubevirtDestinationProviderFactory factory = new KubevirtDestinationProviderFactory();
        assertThat(factory.validate(config)).isEmpty();
        return factory.create(config, host);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource r) {
        Map<String, Object> m = cluster.client.getKubernetesSerialization().convertValue(r, Map.class);
        m.remove("status");
        return m;
    }

    private static byte[] diskImage(int size, long seed) {
        byte[] data = new byte[size];
        Random random = new Random(seed);
        // Data in the first and last MiB, a hole between.
        for (int i = 0; i < 1 << 20; i++) {
            data[i] = (byte) random.nextInt();
            data[size - 1 - i] = (byte) random.nextInt();
        }
        return data;
    }

    @Test
    void migratesAVmThroughTheUploadProxyAndCreatesSchemaValidObjects() throws Exception {
        TargetVmSpec spec = smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42"));
        try (Destination dest = destination(Map.of())) {
            assertThat(dest.testConnection()).extracting(Condition::type, Condition::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ConnectionTestSucceeded", "True"));
            assertThat(dest.validateTarget(spec)).isEmpty();

            assertThat(cluster.client.namespaces().withName("prod").get()).isNull();
            List<AllocatedDisk> disks = dest.allocateDisks(spec);
            assertThat(cluster.client.namespaces().withName("prod").get()).isNotNull();
            assertThat(disks).extracting(AllocatedDisk::handle).containsExactly("web-01-disk-0", "web-01-disk-1");
            List<GenericKubernetesResource> dvs = cluster.list(KubeResources.DATA_VOLUME, "prod");
            assertThat(dvs).hasSize(2);
            for (GenericKubernetesResource dv : dvs) {
                assertThat(KubevirtSchemas.errors(asMap(dv))).isEmpty();
                assertThat(dv.getMetadata().getAnnotations()).containsEntry(Labels.MULTUS_NETWORKS, "vlans/transfer");
                assertThat(dv.getMetadata().getLabels()).containsEntry("plan", "plan-uid-1").containsEntry(Labels.SOURCE_VM, "vm-42");
                assertThat((Object) dv.get("spec", "source", "upload")).isNotNull();
                // spec.storage: CDI adds the filesystem overhead itself.
                assertThat((String) dv.get("spec", "storage", "storageClassName")).isEqualTo("fast-rbd");
            }

            Map<String, String> checksums = new java.util.HashMap<>();
            for (AllocatedDisk disk : disks) {
                cluster.markUploadReady("prod", disk.handle());
                byte[] image = diskImage((int) disk.disk().capacity(), disk.handle().hashCode());
                try (DiskWriter writer = dest.openDisk(spec, disk)) {
                    writer.write(0, ByteBuffer.wrap(image, 0, 1 << 20));
                    writer.writeZeroes(1 << 20, image.length - (2L << 20));
                    writer.write(image.length - (1 << 20), ByteBuffer.wrap(image, image.length - (1 << 20), 1 << 20));
                    writer.flush();
                }
                checksums.put("prod/" + disk.handle(), sha256(image));
            }
            assertThat(cluster.uploadProxy.received().keySet()).containsExactlyInAnyOrderElementsOf(checksums.keySet());
            cluster.uploadProxy.received().forEach((target, bytes) -> assertThat(sha256(bytes)).as(target).isEqualTo(checksums.get(target)));

            assertThat(dest.createVm(spec, disks)).isEqualTo("prod/web-01");
            List<GenericKubernetesResource> vms = cluster.list(KubeResources.VIRTUAL_MACHINE, "prod");
            assertThat(vms).singleElement().satisfies(vm -> {
                assertThat(KubevirtSchemas.errors(asMap(vm))).isEmpty();
                assertThat(vm.getMetadata().getLabels()).containsEntry("migration", "mig-uid-1").containsEntry("vmID", "vm-42");
                assertThat((String) vm.get("spec", "runStrategy")).isEqualTo("Always");
                assertThat((String) vm.get("spec", "template", "spec", "volumes", 0, "dataVolume", "name")).isEqualTo("web-01-disk-0");
                assertThat((String) vm.get("spec", "template", "spec", "domain", "devices", "interfaces", 1, "macAddress")).isEqualTo("00:50:56:aa:bb:02");
            });
            String vmUid = vms.get(0).getMetadata().getUid();
            assertThat(vmUid).isNotBlank();
            assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).allSatisfy(dv -> assertThat(dv.getMetadata().getOwnerReferences())
                    .singleElement().satisfies(o -> {
                        assertThat(o.getUid()).isEqualTo(vmUid);
                        assertThat(o.getKind()).isEqualTo("VirtualMachine");
                    }));
        }
    }

    @Test
    void rerunAfterACrashAdoptsDisksAndVmByLabelIncludingGeneratedNames() throws Exception {
        TargetVmSpec spec = TargetSpecs.biosCompatVm("legacy", "old-db", "vm-7");
        List<AllocatedDisk> first;
        try (Destination dest = destination(Map.of())) {
            first = dest.allocateDisks(spec);
            dest.createVm(spec, first);
        }
        assertThat(first.get(0).handle()).startsWith("old-db-").isNotEqualTo("old-db-");
        GenericKubernetesResource dv = cluster.list(KubeResources.DATA_VOLUME, "legacy").get(0);
        assertThat(dv.getMetadata().getGenerateName()).isEqualTo("old-db-");
        assertThat(KubevirtSchemas.errors(asMap(dv))).isEmpty();

        // A new destination instance, as after a restart of the platform.
        try (Destination again = destination(Map.of())) {
            assertThat(again.validateTarget(spec)).isEmpty();
            List<AllocatedDisk> second = again.allocateDisks(spec);
            assertThat(second).isEqualTo(first);
            assertThat(again.createVm(spec, second)).isEqualTo("legacy/old-db");
        }
        assertThat(cluster.list(KubeResources.DATA_VOLUME, "legacy").get(0).getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(cluster.list(KubeResources.DATA_VOLUME, "legacy")).hasSize(1);
        assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE, "legacy")).hasSize(1);
    }

    @Test
    void aForeignVmOrDiskHoldingTheNameIsRefusedAndSurvivesCleanup() throws Exception {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        Map<String, Object> foreign = Map.of("apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                "metadata", Map.of("name", "web-01", "namespace", "prod"),
                "spec", Map.of("runStrategy", "Halted", "template", Map.of("spec", Map.of("domain", Map.of("devices", Map.of())))));
        cluster.client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace("prod")
                .resource(cluster.client.getKubernetesSerialization().convertValue(foreign, GenericKubernetesResource.class)).create();
        try (Destination dest = destination(Map.of())) {
            assertThat(dest.validateTarget(spec)).extracting(Condition::type).containsExactly("VMAlreadyExists");
            List<AllocatedDisk> disks = dest.allocateDisks(spec);
            assertThatThrownBy(() -> dest.createVm(spec, disks)).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMAlreadyExists"));
            dest.cleanup(spec, Destination.CleanupReason.FAILED, true);
        }
        assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE, "prod")).singleElement()
                .satisfies(vm -> assertThat(vm.getMetadata().getLabels()).isNullOrEmpty());
        assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).isEmpty();

        // Another plan's DataVolume under a disk's name is not adopted.
        TargetVmSpec otherPlan = TargetSpecs.efiVm("prod", "web-02", "vm-42");
        try (Destination dest = destination(Map.of())) {
            dest.allocateDisks(TargetSpecs.efiVm("prod", "web-02", "vm-43"));
            assertThatThrownBy(() -> dest.allocateDisks(otherPlan)).hasMessageContaining("already exists")
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("DiskAlreadyExists"));
        }
    }

    @Test
    void missingNetworksAreReportedBeforeAnyWork() throws Exception {
        cluster.client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inNamespace("vlans").withName("vlan-100").delete();
        try (Destination dest = destination(Map.of())) {
            assertThat(dest.validateTarget(TargetSpecs.efiVm("prod", "web-01", "vm-42")))
                    .extracting(Condition::type).containsExactly("DestinationNetworkNotValid");
        }
    }

    /** web-01 with its image disk plus an iSCSI LUN and an FC LUN, as the engine renders oVirt's direct LUNs. */
    private static TargetVmSpec withLuns(TargetVmSpec base) {
        List<io.hoist.api.destination.TargetDisk> disks = new java.util.ArrayList<>(base.disks().subList(0, 1));
        disks.add(new io.hoist.api.destination.TargetDisk("lun-iscsi", "web-01-disk-1", false, "disk1", 9663676416L, null,
                null, null, 0, "lun1serial", null, false, io.hoist.api.source.ExternalVolume.iscsi("36001405ee0b74100598487e9c5f90850",
                9663676416L, false, "10.46.9.43:3260", "iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2", 1)));
        disks.add(new io.hoist.api.destination.TargetDisk("lun-fc", "web-01-disk-2", false, "disk2", 2 * TargetSpecs.GI, null,
                null, null, 0, null, null, false, io.hoist.api.source.ExternalVolume.fc("3600a09803830355a332b47677750716c",
                2 * TargetSpecs.GI, true, List.of("3600a09803830355a332b47677750716c"))));
        return new TargetVmSpec(base.namespace(), base.name(), base.sourceVmId(), base.sourceVmName(), base.sockets(), base.cores(),
                base.threads(), base.memoryBytes(), base.firmware(), base.secureBoot(), base.preserveCpuModel(), base.cpuModel(),
                base.diskBus(), base.runStrategy(), disks, base.nics(), base.labels(), base.annotations(), base.transferNetwork());
    }

    /** No field fabric8's typed model does not know (a misspelt field would land in additionalProperties). */
    private static void assertNoUnknownFields(io.fabric8.kubernetes.api.model.KubernetesResource... parts) {
        for (var part : parts) {
            try {
                Object extra = part.getClass().getMethod("getAdditionalProperties").invoke(part);
                assertThat((Map<?, ?>) extra).as(part.getClass().getSimpleName() + " unknown fields").isEmpty();
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void directLunsBecomeAPersistentVolumeAndABoundClaimAttachedAsLunsNeverWritten() throws Exception {
        TargetVmSpec spec = withLuns(smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42")));
        try (Destination dest = destination(Map.of())) {
            assertThat(dest).isInstanceOf(io.hoist.api.destination.AttachesExternalVolumes.class);
            assertThat(dest.validateTarget(spec)).isEmpty();
            List<AllocatedDisk> disks = dest.allocateDisks(spec);
            assertThat(disks).extracting(AllocatedDisk::handle).containsExactly("web-01-disk-0", "web-01-disk-1", "web-01-disk-2");
            assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).as("only the image disk gets a DataVolume").hasSize(1);

            PersistentVolumeClaim claim = cluster.client.persistentVolumeClaims().inNamespace("prod").withName("web-01-disk-1").get();
            var pv = cluster.client.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
            assertThat(pv).as("the claim names its PV").isNotNull();
            assertNoUnknownFields(pv, pv.getSpec(), pv.getSpec().getIscsi(), claim, claim.getSpec());
            assertThat(pv.getSpec().getIscsi().getTargetPortal()).isEqualTo("10.46.9.43:3260");
            assertThat(pv.getSpec().getIscsi().getIqn()).isEqualTo("iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2");
            assertThat(pv.getSpec().getIscsi().getLun()).isEqualTo(1);
            assertThat(pv.getSpec().getIscsi().getReadOnly()).isFalse();
            assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).as("deleting the PV never touches the LUN").isEqualTo("Retain");
            assertThat(pv.getSpec().getVolumeMode()).isEqualTo("Block");
            assertThat(pv.getSpec().getStorageClassName()).isEmpty();
            assertThat(pv.getSpec().getCapacity().get("storage").getNumericalAmount().longValue()).isEqualTo(9663676416L);
            assertThat(pv.getSpec().getClaimRef().getName()).isEqualTo("web-01-disk-1");
            assertThat(pv.getSpec().getClaimRef().getNamespace()).isEqualTo("prod");
            assertThat(pv.getMetadata().getLabels()).containsEntry("plan", "plan-uid-1").containsEntry(Labels.SOURCE_VM, "vm-42")
                    .containsEntry(Labels.SOURCE_DISK, "lun-iscsi");
            assertThat(claim.getSpec().getStorageClassName()).isEmpty();
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
            assertThat(claim.getMetadata().getLabels()).containsEntry("plan", "plan-uid-1").containsEntry(Labels.SOURCE_DISK, "lun-iscsi");
            PersistentVolumeClaim fcClaim = cluster.client.persistentVolumeClaims().inNamespace("prod").withName("web-01-disk-2").get();
            var fc = cluster.client.persistentVolumes().withName(fcClaim.getSpec().getVolumeName()).get();
            assertNoUnknownFields(fc.getSpec(), fc.getSpec().getFc());
            assertThat(fc.getSpec().getFc().getWwids()).containsExactly("3600a09803830355a332b47677750716c");
            assertThat(fc.getSpec().getFc().getLun()).as("wwids and lun exclude each other").isNull();
            assertThat(fc.getSpec().getFc().getReadOnly()).isTrue();

            assertThatThrownBy(() -> dest.openDisk(spec, disks.get(1))).isInstanceOf(HoistException.class)
                    .hasMessageContaining("attached, never written");
            assertThat(dest.allocateDisks(spec)).as("a rerun adopts them").extracting(AllocatedDisk::handle)
                    .containsExactly("web-01-disk-0", "web-01-disk-1", "web-01-disk-2");
            assertThat(cluster.client.persistentVolumes().list().getItems()).hasSize(2);

            dest.createVm(spec, disks);
            GenericKubernetesResource vm = cluster.list(KubeResources.VIRTUAL_MACHINE, "prod").get(0);
            assertThat(KubevirtSchemas.errors(asMap(vm))).isEmpty();
            assertThat((String) vm.get("spec", "template", "spec", "volumes", 0, "dataVolume", "name")).isEqualTo("web-01-disk-0");
            assertThat((String) vm.get("spec", "template", "spec", "volumes", 1, "persistentVolumeClaim", "claimName")).isEqualTo("web-01-disk-1");
            assertThat((String) vm.get("spec", "template", "spec", "domain", "devices", "disks", 1, "lun", "bus")).isEqualTo("scsi");
            assertThat((Boolean) vm.get("spec", "template", "spec", "domain", "devices", "disks", 2, "lun", "readonly")).isTrue();
            assertThat((Object) vm.get("spec", "template", "spec", "domain", "devices", "disks", 1, "disk")).isNull();
            assertThat(cluster.client.persistentVolumeClaims().inNamespace("prod").withName("web-01-disk-1").get()
                    .getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("VirtualMachine"));

            dest.cleanup(spec, Destination.CleanupReason.CANCELED, true);
            assertThat(cluster.client.persistentVolumeClaims().inNamespace("prod").list().getItems()).isEmpty();
            assertThat(cluster.client.persistentVolumes().list().getItems()).as("this VM's PVs go (Retain: the LUN stays)").isEmpty();
        }
    }

    @Test
    void cleanupWithoutDeleteVmKeepsTheVmAndDisks() throws Exception {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        try (Destination dest = destination(Map.of())) {
            dest.createVm(spec, dest.allocateDisks(spec));
            dest.cleanup(spec, Destination.CleanupReason.ARCHIVED, false);
            assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE, "prod")).hasSize(1);
            assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).hasSize(2);
            dest.cleanup(spec, Destination.CleanupReason.CANCELED, true);
            assertThat(cluster.list(KubeResources.VIRTUAL_MACHINE, "prod")).isEmpty();
            assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).isEmpty();
        }
    }

    @Test
    void dataVolumeWithSpecPvcGetsTheFilesystemOverheadFromTheLiveSettings() throws Exception {
        host.withSetting("controller_filesystem_overhead", "20");
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        try (Destination dest = destination(Map.of("diskApi", "pvc"))) {
            dest.allocateDisks(spec);
        }
        GenericKubernetesResource dv = cluster.client.genericKubernetesResources(KubeResources.DATA_VOLUME).inNamespace("prod").withName("web-01-disk-0").get();
        assertThat(KubevirtSchemas.errors(asMap(dv))).isEmpty();
        long expected = Quantities.roundUpToMi((long) Math.ceil(10.0 * TargetSpecs.GI / 0.8));
        assertThat((String) dv.get("spec", "pvc", "resources", "requests", "storage")).isEqualTo(Quantities.bytes(expected));
    }

    @Test
    void plainPvcsAreUploadTargetsToo() throws Exception {
        TargetVmSpec spec = smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42"));
        try (Destination dest = destination(Map.of("diskApi", "persistentvolumeclaim"))) {
            List<AllocatedDisk> disks = dest.allocateDisks(spec);
            PersistentVolumeClaim pvc = cluster.client.persistentVolumeClaims().inNamespace("prod").withName("web-01-disk-1").get();
            assertThat(pvc.getMetadata().getAnnotations()).containsKey("cdi.kubevirt.io/storage.upload.target");
            assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast-rbd");
            pvc.getMetadata().getAnnotations().put("cdi.kubevirt.io/storage.pod.ready", "true");
            cluster.client.persistentVolumeClaims().inNamespace("prod").resource(pvc).update();
            byte[] image = diskImage((int) disks.get(1).disk().capacity(), 7);
            try (DiskWriter writer = dest.openDisk(spec, disks.get(1))) {
                writer.write(0, ByteBuffer.wrap(image));
                writer.flush();
            }
            assertThat(sha256(cluster.uploadProxy.received().get("prod/web-01-disk-1"))).isEqualTo(sha256(image));
            dest.createVm(spec, disks);
            GenericKubernetesResource vm = cluster.list(KubeResources.VIRTUAL_MACHINE, "prod").get(0);
            assertThat(KubevirtSchemas.errors(asMap(vm))).isEmpty();
            assertThat((String) vm.get("spec", "template", "spec", "volumes", 1, "persistentVolumeClaim", "claimName")).isEqualTo("web-01-disk-1");
        }
    }

    @Test
    void anInterruptedUploadIsRetriedWholeWithAFreshToken() throws Exception {
        TargetVmSpec spec = smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42"));
        try (Destination dest = destination(Map.of())) {
            AllocatedDisk disk = dest.allocateDisks(spec).get(0);
            cluster.markUploadReady("prod", disk.handle());
            byte[] image = diskImage((int) disk.disk().capacity(), 3);
            DiskWriter broken = dest.openDisk(spec, disk);
            broken.write(0, ByteBuffer.wrap(image, 0, 1 << 20));
            // The copy dies half-way: the stream is abandoned, nothing counts as uploaded.
            assertThatThrownBy(broken::close).hasMessageContaining("abandoned");
            assertThat(cluster.uploadProxy.received()).doesNotContainKey("prod/" + disk.handle());

            try (DiskWriter writer = dest.openDisk(spec, disk)) {
                writer.write(0, ByteBuffer.wrap(image));
                writer.flush();
            }
            assertThat(sha256(cluster.uploadProxy.received().get("prod/" + disk.handle()))).isEqualTo(sha256(image));
        }
    }

    @Test
    void uploadWaitsForTheUploadPodAndGivesUpClearly() throws Exception {
        TargetVmSpec spec = smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42"));
        try (Destination dest = destination(Map.of("uploadReadyTimeoutSeconds", "1"))) {
            List<AllocatedDisk> disks = dest.allocateDisks(spec);
            assertThatThrownBy(() -> dest.openDisk(spec, disks.get(0))).isInstanceOf(HoistException.class)
                    .hasMessageContaining("not ready").hasMessageContaining("web-01-disk-0")
                    .satisfies(e -> assertThat(((HoistException) e).type()).isEqualTo(HoistException.Type.UNAVAILABLE));
        }
    }

    /** Same spec with 4 MiB disks, so uploads stay small. */
    /** Issue 13: MTV's MacConflicts, an instance type the cluster lacks, and a shared disk found again by its label. */
    @Test
    void macConflictsMissingInstanceTypesAndSharedDisksAreFoundOnTheCluster() throws Exception {
        Map<String, Object> foreign = Map.of("apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                "metadata", Map.of("name", "old-web", "namespace", "legacy"),
                "spec", Map.of("runStrategy", "Halted", "template", Map.of("spec", Map.of("domain", Map.of("devices",
                        Map.of("interfaces", List.of(Map.of("name", "n0", "macAddress", "00:50:56:aa:bb:01"))))))));
        cluster.client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace("legacy")
                .resource(cluster.client.getKubernetesSerialization().convertValue(foreign, GenericKubernetesResource.class)).create();
        TargetVmSpec base = smallDisks(TargetSpecs.efiVm("prod", "web-01", "vm-42"));
        io.hoist.api.destination.TargetDisk d0 = base.disks().get(0);
        io.hoist.api.destination.TargetDisk shared = new io.hoist.api.destination.TargetDisk(d0.sourceDiskId(), d0.pvcName(),
                false, d0.volumeName(), d0.capacity(), d0.storageClass(), d0.accessMode(), d0.volumeMode(), 1, null,
                "prov/[ds1] cluster/quorum.vmdk", false);
        TargetVmSpec spec = new TargetVmSpec(base.namespace(), base.name(), base.sourceVmId(), base.sourceVmName(), base.sockets(),
                base.cores(), base.threads(), base.memoryBytes(), base.firmware(), base.secureBoot(), false, null, base.diskBus(),
                base.runStrategy(), List.of(shared), base.nics(), base.labels(), base.annotations(), base.transferNetwork(),
                null, null, new TargetVmSpec.Flavor("u1.medium", null, null));
        try (Destination dest = destination(Map.of())) {
            assertThat(dest.validateTarget(spec)).extracting(Condition::type)
                    .containsExactlyInAnyOrder("MacConflicts", "InstanceTypeNotFound");
            assertThat(dest.validateTarget(spec).stream().filter(c -> c.type().equals("MacConflicts")).findFirst().orElseThrow()
                    .message()).contains("legacy/old-web");

            assertThat(dest.sharedDiskExists("prod", shared.shareId())).isFalse();
            List<AllocatedDisk> first = dest.allocateDisks(spec);
            assertThat(dest.sharedDiskExists("prod", shared.shareId())).isTrue();
            // a second VM attached to the same disk finds that one copy instead of making its own
            io.hoist.api.destination.TargetDisk attach = new io.hoist.api.destination.TargetDisk("other-disk", "web-02-disk-0",
                    false, "vol-0", d0.capacity(), d0.storageClass(), null, null, 0, null, shared.shareId(), true);
            TargetVmSpec second = new TargetVmSpec("prod", "web-02", "vm-43", "Web 02", 1, 1, 1, base.memoryBytes(),
                    base.firmware(), false, false, null, "virtio", "Halted", List.of(attach), List.of(), Map.of("plan", "p2"),
                    Map.of(), null);
            assertThat(dest.allocateDisks(second)).extracting(AllocatedDisk::handle).containsExactly(first.get(0).handle());
            assertThat(cluster.list(KubeResources.DATA_VOLUME, "prod")).hasSize(1);
        }
    }

    private static TargetVmSpec smallDisks(TargetVmSpec s) {
        List<io.hoist.api.destination.TargetDisk> disks = s.disks().stream().map(d -> new io.hoist.api.destination.TargetDisk(
                d.sourceDiskId(), d.pvcName(), d.generateName(), d.volumeName(), 4L << 20, d.storageClass(), d.accessMode(), d.volumeMode(), d.bootOrder()))
                .toList();
        return new TargetVmSpec(s.namespace(), s.name(), s.sourceVmId(), s.sourceVmName(), s.sockets(), s.cores(), s.threads(),
                s.memoryBytes(), s.firmware(), s.secureBoot(), s.preserveCpuModel(), s.cpuModel(), s.diskBus(), s.runStrategy(),
                disks, s.nics(), s.labels(), s.annotations(), s.transferNetwork());
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
