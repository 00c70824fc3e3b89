package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.openstack.testsupport.OpenstackTestbed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold OpenStack migration through the whole platform (a child JVM running {@code hoist serve} with the plugin
 * jars of dist/plugins): the real OpenStack of testbeds/openstack as the source, the KubeVirt folder as the
 * destination. The server boots from a Cinder volume and has a second one attached, each holding known bytes
 * written through its file on the NFS share; two NICs on two Neutron networks. A first Migration of the same plan is
 * canceled once the pipeline has made its first temporary object: nothing temporary is left and the server runs
 * again; a second Migration then copies the VM.
 */
class OpenstackMigrationIT {
    static final String NS = "openstack-cold";
    static final String VM = "hoist-vm-volumes";
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The boot volume's image properties for this test: the testbed's (virtio, fedora) are what the engine would
     * choose anyway, so these show that the source's choices reach the target. Restored afterwards.
     */
    static final Map<String, String> IMAGE_PROPERTIES = Map.of("hw_disk_bus", "scsi", "hw_vif_model", "e1000e",
            "os_distro", "rhel", "os_version", "9.2");
    static final Map<String, String> TESTBED_PROPERTIES = Map.of("hw_disk_bus", "virtio", "hw_vif_model", "virtio",
            "os_distro", "fedora");

    @Test
    void aVolumeBackedServerMigratesByteForByteWithItsMacsFlavorAndImageProperties(@TempDir Path tmp) throws Exception {
        OpenstackTestbed bed = OpenstackTestbed.get();
        Random random = new Random(20261203L);
        List<String> volumes = List.of("hoist-vm-volumes-root", "hoist-vm-volumes-data");
        Set<String> expected = new HashSet<>();
        for (String v : volumes) {
            byte[] head = new byte[5 << 20];
            byte[] middle = new byte[1 << 20];
            random.nextBytes(head);
            random.nextBytes(middle);
            bed.writeVolume(v, 0, head);
            bed.writeVolume(v, 700L << 20, middle);
            expected.add(Appliances.sha256(bed.volumeAsRaw(v, tmp)));
        }
        assertThat(expected).as("the two volumes differ").hasSize(2);
        List<String> macs = new ArrayList<>();
        bed.call("GET", 9696, "/v2.0/ports?device_id=" + bed.serverId(VM), null).path("ports")
                .forEach(p -> macs.add(p.path("mac_address").asText()));
        assertThat(macs).hasSize(2);

        Path target = Files.createDirectories(tmp.resolve("target"));
        imageMetadata(bed, IMAGE_PROPERTIES, null);
        CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
        try {
            migrate(child.client(), bed, target);
        } finally {
            child.kill();
            imageMetadata(bed, TESTBED_PROPERTIES, "os_version");
            // the engine leaves a migrated source off (as MTV does); later tests expect it running
            startServer(bed);
        }

        Path vmDir = target.resolve("migrated").resolve(VM);
        List<Path> images;
        try (Stream<Path> files = Files.list(vmDir)) {
            images = files.filter(f -> f.toString().endsWith(".img")).toList();
        }
        Set<String> got = new HashSet<>();
        for (Path image : images) {
            got.add(Appliances.sha256(image));
        }
        assertThat(got).as("target disks byte-identical to the volumes").isEqualTo(expected);
        String manifest = Files.readString(vmDir.resolve("virtualmachine.yaml"));
        for (String mac : macs) {
            assertThat(manifest).as("MAC from Neutron").contains(mac);
        }
        // flavor hoist.medium (hw:cpu_sockets 1, hw:cpu_cores 2, 2048 MiB) and the boot volume's image properties
        assertThat(manifest).containsPattern("sockets: 1").containsPattern("cores: 2").contains("2Gi");
        assertThat(manifest).as("hw_firmware_type uefi").contains("efi");
        // hw_disk_bus, hw_vif_model and os_distro/os_version: the guest already runs on KVM with these
        assertThat(manifest).as("hw_disk_bus scsi").contains("bus: scsi").doesNotContain("bus: virtio", "bus: sata");
        assertThat(manifest).as("hw_vif_model e1000e").contains("model: e1000e").doesNotContain("model: virtio");
        assertThat(manifest).as("os_distro rhel, os_version 9.2").containsPattern("preference:\\s+(kind: \\S+\\s+)?name: rhel\\.9\\b");
        assertThat(bed.leftovers()).as("temporary snapshots, volumes and images").isEmpty();
    }

    private static void migrate(ApiClient api, OpenstackTestbed bed, Path target) throws Exception {
        JsonNode types = bed.state.path("volumeTypes");
        JsonNode nets = bed.state.path("networks");
        apply(api, NS, """
                apiVersion: v1
                kind: Secret
                metadata: {name: os-secret, namespace: %1$s}
                type: Opaque
                stringData: {username: "%2$s", password: "%3$s", projectName: hoist, domainName: Default, regionName: RegionOne}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: openstack, namespace: %1$s}
                spec: {type: openstack, url: "%4$s", secret: {name: os-secret, namespace: %1$s}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: folder-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%5$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%5$s", secret: {name: folder-secret, namespace: %1$s}}
                """.formatted(NS, bed.text("username"), bed.text("password"), bed.text("authUrl"), target));
        String uid = waitTrue(api, ResourceKind.PROVIDER, NS, "openstack", "Ready", 300).path("metadata").path("uid").asText();
        applyExample(api, bed);
        VsphereColdMigrationIT.collected(api, "/providers/openstack/" + uid + "/vms?detail=1");

        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: openstack, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map:
                    - {source: {id: "%2$s"}, destination: {type: pod}}
                    - {source: {name: hoist-public}, destination: {type: multus, name: public, namespace: migrated}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: openstack, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map:
                    - {source: {id: "%3$s"}, destination: {storageClass: standard}}
                    - {source: {id: "%4$s"}, destination: {storageClass: fast}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: cold, namespace: %1$s}
                spec:
                  targetNamespace: migrated
                  skipGuestConversion: true   # the volumes hold known bytes, no operating system to convert
                  provider: {source: {name: openstack, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{name: %5$s}]
                """.formatted(NS, nets.path("hoist-private").asText(), types.path("nfs1").asText(),
                types.path("nfs-gold").asText(), VM));
        waitTrue(api, ResourceKind.PLAN, NS, "cold", "Ready", 300);
        cancelOnceTheFirstTemporaryObjectExists(api, bed);
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cold-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS));
        JsonNode plan = waitVm(api, "Succeeded", 2400);
        int checked = 0;
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode step : vm.path("pipeline")) {
                for (JsonNode task : step.path("tasks")) {
                    JsonNode a = task.path("annotations");
                    if (a.has("hoist.io/source-checksum")) {
                        assertThat(a.path("hoist.io/source-checksum").asText()).startsWith("sha256-4m:")
                                .isEqualTo(a.path("hoist.io/target-checksum").asText());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).as("disk copies with checksums: " + plan.path("status")).isEqualTo(2);
        assertThat(bed.call("GET", 8774, "/v2.1/servers/" + bed.serverId(VM), null).path("server").path("status").asText())
                .as("the source was stopped for the cold copy").isEqualTo("SHUTOFF");
    }

    /**
     * Issue 17 item 4's cancel path: a Migration canceled while its pipeline holds a temporary snapshot, volume or
     * image (the first exists a few seconds after the server is off) ends Canceled with none of them left, and the
     * engine starts the server it stopped.
     */
    private static void cancelOnceTheFirstTemporaryObjectExists(ApiClient api, OpenstackTestbed bed) throws Exception {
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cancel-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS));
        long end = System.nanoTime() + 900_000_000_000L;
        List<String> made;
        while ((made = bed.leftovers()).isEmpty()) {
            assertThat(System.nanoTime()).as("a temporary object of the copy: " + api.get(ResourceKind.PLAN, NS, "cold")
                    .path("status")).isLessThan(end);
            Thread.sleep(500);
        }
        String serverId = bed.serverId(VM);
        for (int attempt = 0; ; attempt++) { // the engine writes the Migration's status concurrently
            ObjectNode m = api.get(ResourceKind.MIGRATION, NS, "cancel-run");
            m.with("spec").putArray("cancel").addObject().put("name", VM); // the plan names the VM
            try {
                api.replace(ResourceKind.MIGRATION, NS, "cancel-run", m);
                break;
            } catch (RuntimeException conflict) {
                assertThat(attempt).as("cancel: " + conflict.getMessage()).isLessThan(20);
                Thread.sleep(200);
            }
        }
        JsonNode plan = waitVm(api, "Canceled", 900);
        // Nova and Cinder finish deletes and starts in their own time: wait for them, boundedly
        long settled = System.nanoTime() + 300_000_000_000L;
        List<String> left;
        while (!(left = bed.leftovers()).isEmpty()
                || !"ACTIVE".equals(bed.call("GET", 8774, "/v2.1/servers/" + serverId, null).path("server").path("status").asText())) {
            if (System.nanoTime() > settled) {
                break;
            }
            Thread.sleep(1000);
        }
        assertThat(left).as("temporary objects after the cancel (" + made + " existed)").isEmpty();
        assertThat(bed.call("GET", 8774, "/v2.1/servers/" + serverId, null).path("server").path("status").asText())
                .as("the source restored to its power state: " + plan.path("status").path("migration")).isEqualTo("ACTIVE");
    }

    /**
     * The plan once its migration is over with the VM's condition {@code type} True; fails at once when the VM ended
     * Failed (or Succeeded while a cancel was awaited). The first Migration's Canceled does not end the second.
     */
    private static JsonNode waitVm(ApiClient api, String type, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode plan = api.get(ResourceKind.PLAN, NS, "cold");
            JsonNode migration = plan.path("status").path("migration");
            for (JsonNode vm : migration.path("vms")) {
                for (JsonNode c : vm.path("conditions")) {
                    if (!"True".equals(c.path("status").asText()) || !migration.has("completed")) {
                        continue;
                    }
                    String ended = c.path("type").asText();
                    if (type.equals(ended)) {
                        return plan;
                    }
                    assertThat(ended).as("how the VM ended: " + plan.path("status")).isNotIn("Failed", "Succeeded");
                }
            }
            assertThat(System.nanoTime()).as("VM " + type + " in time: " + plan.path("status")).isLessThan(end);
            Thread.sleep(500);
        }
    }

    /** Sets the boot volume's image metadata (what a volume-backed server's image properties are) and unsets a key. */
    private static void imageMetadata(OpenstackTestbed bed, Map<String, String> set, String unset) throws Exception {
        String path = bed.cinder("/volumes/" + bed.volumeId("hoist-vm-volumes-root") + "/action");
        bed.call("POST", 8776, path, JSON.writeValueAsString(Map.of("os-set_image_metadata", Map.of("metadata", set))));
        if (unset != null) {
            bed.call("POST", 8776, path, JSON.writeValueAsString(Map.of("os-unset_image_metadata", Map.of("key", unset))));
        }
    }

    /**
     * examples/openstack's Namespace, Secret and Provider, with only their placeholders (Keystone URL, user, password, project)
     * replaced by the testbed's: the OpenStack Provider becomes Ready. (The example's destination, the local
     * cluster, needs a Kubernetes API this test does not have.)
     */
    private static void applyExample(ApiClient api, OpenstackTestbed bed) throws Exception {
        Path examples = Path.of(System.getProperty("hoist.repo.root"), "examples", "openstack");
        String yaml = Files.readString(examples.resolve("00-namespace.yaml")) + "\n---\n"
                + Files.readString(examples.resolve("10-secret.yaml")) + "\n---\n"
                + Files.readString(examples.resolve("20-providers.yaml"));
        String placeholders = yaml;
        yaml = yaml.replace("https://keystone.example.com:5000/v3", bed.text("authUrl"))
                .replace("user: admin", "user: " + bed.text("username"))
                .replace("password: change-me", "password: " + bed.text("password"))
                .replace("projectName: migration", "projectName: " + bed.text("project"));
        assertThat(yaml).as("the example's placeholders are where this test expects them").isNotEqualTo(placeholders)
                .doesNotContain("example.com", "change-me");
        apply(api, "hoist", yaml);
        JsonNode provider = waitTrue(api, ResourceKind.PROVIDER, "hoist", "openstack", "Ready", 300);
        assertThat(provider.path("status").toString()).contains("ConnectionTestSucceeded");
    }

    private static void startServer(OpenstackTestbed bed) throws InterruptedException {
        String id = bed.serverId(VM);
        if (!"SHUTOFF".equals(bed.call("GET", 8774, "/v2.1/servers/" + id, null).path("server").path("status").asText())) {
            return;
        }
        bed.call("POST", 8774, "/v2.1/servers/" + id + "/action", "{\"os-start\": null}");
        for (int i = 0; i < 600 && !"ACTIVE".equals(bed.call("GET", 8774, "/v2.1/servers/" + id, null)
                .path("server").path("status").asText()); i++) {
            Thread.sleep(500);
        }
    }
}
