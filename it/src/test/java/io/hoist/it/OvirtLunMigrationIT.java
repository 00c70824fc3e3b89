package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.json;
import static io.hoist.it.VsphereColdMigrationIT.waitTrueOrFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.testing.KubevirtClusterForTest;
import io.hoist.plugin.ovirt.testsupport.EdgeCaseVms;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A direct LUN through the whole platform (a child JVM running {@code hoist serve}): an oVirt VM with an image disk and
 * an iSCSI LUN (the logical unit as the recorded engine reports it) migrated cold to a KubeVirt cluster (fabric8's mock
 * API server with CDI's upload proxy test server). The image disk arrives byte for byte; the LUN is not copied but
 * becomes a PersistentVolume with its iSCSI source and a claim bound to it; the source VM's attachment is removed and
 * the disk kept in the engine. A warm plan with the same VM is Critical.
 */
class OvirtLunMigrationIT {
    static final String NS = "ovirt-lun";
    static final String VM = "lun-vm";
    static final String IMAGE_DISK = VM + "-disk-1";
    static final String LUN_DISK = VM + "-disk-2";

    @Test
    void aLunIsHandedOverToTheClusterAndDetachedFromTheSource(@TempDir Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        try (OvirtEngineTestServer engine = new OvirtEngineTestServer(
                Path.of(System.getProperty("hoist.shared.dir"), "fixtures", "ovirt", "recorded"));
             KubevirtClusterForTest cluster = new KubevirtClusterForTest()) {
            new EdgeCaseVms(engine).sharedObjects().vm(VM, "vms/basic-vm.xml", Map.of())
                    .attachments("disk-attachments/two.xml", Map.of())
                    .lunDisk("disk-2", EdgeCaseVms.RECORDED_LUN).add();
            Path raw = Images.qcow2AndRaw(images, "lun_vm", Long.parseLong(EdgeCaseVms.DISK_SIZE), "0 1M 0x33", "20M 2M 0x44");
            engine.setImage(IMAGE_DISK, raw);
            cluster.acceptUploadTokens("migrated");
            Thread cdi = Thread.ofVirtual().start(() -> actAsCdi(cluster));
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
            try {
                ApiClient api = child.client();
                providersAndMaps(api, engine, cluster);
                warmPlanIsCritical(api);
                migrateCold(api);
            } finally {
                child.kill();
                cdi.interrupt();
            }

            assertThat(cluster.uploadProxy.received()).as("only the image disk is uploaded").hasSize(1);
            byte[] uploaded = cluster.uploadProxy.received().values().iterator().next();
            assertThat(sha256(uploaded)).as("the image disk byte for byte").isEqualTo(sha256(Files.readAllBytes(raw)));

            List<PersistentVolume> pvs = cluster.client.persistentVolumes().list().getItems();
            assertThat(pvs).singleElement().satisfies(pv -> {
                assertThat(pv.getSpec().getIscsi().getTargetPortal()).isEqualTo("10.46.9.43:3260");
                assertThat(pv.getSpec().getIscsi().getIqn()).isEqualTo("iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2");
                assertThat(pv.getSpec().getIscsi().getLun()).isEqualTo(1);
                assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
                assertThat(pv.getMetadata().getLabels()).containsEntry("hoist.io/source-vm", VM).containsEntry("hoist.io/source-disk", LUN_DISK);
            });
            PersistentVolumeClaim claim = cluster.client.persistentVolumeClaims().inNamespace("migrated").list().getItems().stream()
                    .filter(c -> LUN_DISK.equals(c.getMetadata().getLabels().get("hoist.io/source-disk"))).findFirst().orElseThrow();
            assertThat(claim.getSpec().getVolumeName()).as("the claim is bound to the LUN's PV by name").isEqualTo(pvs.get(0).getMetadata().getName());
            GenericKubernetesResource vm = cluster.list(KubeResources.VIRTUAL_MACHINE, "migrated").get(0);
            assertThat(cluster.client.getKubernetesSerialization().asJson(vm.get("spec", "template", "spec", "volumes")))
                    .contains("\"claimName\":\"" + claim.getMetadata().getName() + "\"");

            assertThat(engine.attachedDisks(VM)).as("the LUN's attachment is removed, the image disk's kept").containsExactly(IMAGE_DISK);
            assertThat(engine.diskExists(LUN_DISK)).as("detach only: the LUN disk stays in the engine").isTrue();
            assertThat(engine.detached()).containsExactly(VM + "/" + LUN_DISK);
            assertThat(engine.open()).as("image transfers left open").isEmpty();
        }
    }

    private static void providersAndMaps(ApiClient api, OvirtEngineTestServer engine, KubevirtClusterForTest cluster) throws Exception {
        var dst = cluster.provider(Map.of());
        OvirtPlatformSetup.ovirtProvider(api, NS, engine);
        apply(api, NS, """
                apiVersion: v1
                kind: Secret
                metadata: {name: cluster-secret, namespace: %1$s}
                type: Opaque
                stringData: {token: "%2$s", cacert: "%3$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: cluster, namespace: %1$s}
                spec: {type: openshift, url: "%4$s", secret: {name: cluster-secret, namespace: %1$s}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: cluster, namespace: %1$s}}
                  map: [{source: {id: net-1}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: cluster, namespace: %1$s}}
                  map: [{source: {id: domain-1}, destination: {storageClass: standard}}]
                """.formatted(NS, dst.secretValue("token"), json(dst.secretValue("cacert")), dst.url()));
        waitTrue(api, ResourceKind.PROVIDER, NS, "ovirt", "Ready", 300);
        waitTrue(api, ResourceKind.PROVIDER, NS, "cluster", "Ready", 300);
    }

    /** MTV: LUNs are not migrated warm (the running source keeps writing to them). */
    private static void warmPlanIsCritical(ApiClient api) throws Exception {
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: warm, namespace: %1$s}
                spec:
                  warm: true
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: cluster, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %2$s}]
                """.formatted(NS, VM));
        long end = System.nanoTime() + 300_000_000_000L; // ends as soon as the condition shows
        while (true) {
            JsonNode plan = api.get(ResourceKind.PLAN, NS, "warm");
            for (JsonNode c : plan.path("status").path("conditions")) {
                if ("LunDisksWarmMigration".equals(c.path("type").asText())) {
                    assertThat(c.path("category").asText()).isEqualTo("Critical");
                    assertThat(c.path("message").asText()).contains("cannot be used with warm migration");
                    assertThat(CrashResumeIT.isTrue(plan, "Ready")).isFalse();
                    return;
                }
            }
            assertThat(System.nanoTime()).as("warm LUN plan condition: " + plan.path("status")).isLessThan(end);
            Thread.sleep(500);
        }
    }

    private static void migrateCold(ApiClient api) throws Exception {
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: cold, namespace: %1$s}
                spec:
                  skipGuestConversion: true   # the simulated disk holds data, no operating system to convert
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: cluster, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %2$s}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cold-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS, VM));
        JsonNode plan = waitTrueOrFailed(api, NS, "cold", 900);
        assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("cold plan: " + plan.path("status")).isTrue();
        JsonNode vm = plan.path("status").path("migration").path("vms").get(0);
        boolean lunShown = false;
        for (JsonNode step : vm.path("pipeline")) {
            for (JsonNode task : step.path("tasks")) {
                if (LUN_DISK.equals(task.path("name").asText())) {
                    assertThat(task.path("reason").asText()).isEqualTo("attached, not copied");
                    assertThat(task.path("annotations").has("hoist.io/source-checksum")).isFalse();
                    lunShown = true;
                }
            }
        }
        assertThat(lunShown).as("the LUN is on the pipeline: " + vm.path("pipeline")).isTrue();
    }

    /** What CDI does for a DataVolume with an upload source: its upload pod becomes ready. */
    private static void actAsCdi(KubevirtClusterForTest cluster) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (GenericKubernetesResource dv : cluster.list(KubeResources.DATA_VOLUME, "migrated")) {
                    if (dv.get("status", "phase") == null) {
                        cluster.markUploadReady("migrated", dv.getMetadata().getName());
                    }
                }
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the namespace or the DataVolume is not there yet; look again
            }
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
