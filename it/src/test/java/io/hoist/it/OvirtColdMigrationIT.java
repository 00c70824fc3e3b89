package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.json;
import static io.hoist.it.VsphereColdMigrationIT.waitTrueOrFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cold oVirt migration through the whole platform (a child JVM running {@code hoist serve} with the plugin jars of
 * dist/plugins): the oVirt test engine with its recorded VMs as the source (one down, one up: the engine powers it
 * off), each disk downloaded through an image transfer and imageio, the KubeVirt folder as the destination.
 */
class OvirtColdMigrationIT {
    static final String NS = "ovirt-cold";
    static final String OFF_DISK = "738dc6a9-c7ff-4bd4-8f37-d0e4fdc0ff76";
    static final String ON_DISK = "08b054b2-0001-4dd6-9cf2-434213c02fbe";

    @Test
    void twoRecordedVmsMigrateColdByteForByte(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path images = Files.createDirectories(tmp.resolve("images"));
        try (OvirtEngineTestServer engine = new OvirtEngineTestServer(
                Path.of(System.getProperty("hoist.shared.dir"), "fixtures", "ovirt", "recorded"))) {
            Path off = Images.qcow2AndRaw(images, "vm_off", 46137344L, "0 1M 0x33", "20M 2M 0x44");
            Path on = Images.qcow2AndRaw(images, "vm_on", 8589934592L, "0 4M 0x55", "6G 1M 0x66");
            engine.setImage(OFF_DISK, off);
            engine.setImage(ON_DISK, on);
            CrashResumeIT.Child child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
            try {
                migrate(child.client(), engine, target);
            } finally {
                child.kill();
            }
            assertThat(Images.sha256(target.resolve("migrated/vm-off").resolve(diskFile(target, "vm-off"))))
                    .isEqualTo(Images.sha256(off));
            assertThat(Images.sha256(target.resolve("migrated/vm-on").resolve(diskFile(target, "vm-on"))))
                    .isEqualTo(Images.sha256(on));
            assertThat(engine.open()).as("image transfers left open").isEmpty();
            assertThat(engine.vmStatus(OvirtEngineTestServer.VM_ON)).as("the running VM was powered off").isEqualTo("down");
        }
    }

    private static String diskFile(Path target, String vm) throws Exception {
        try (Stream<Path> files = Files.list(target.resolve("migrated").resolve(vm))) {
            List<Path> imgs = files.filter(f -> f.toString().endsWith(".img")).toList();
            assertThat(imgs).as(vm + " disks").hasSize(1);
            return imgs.get(0).getFileName().toString();
        }
    }

    private void migrate(ApiClient api, OvirtEngineTestServer engine, Path target) throws Exception {
        apply(api, NS, """
                apiVersion: v1
                kind: Secret
                metadata: {name: ovirt-credentials, namespace: %1$s}
                type: Opaque
                stringData: {user: "%2$s", password: "%3$s", cacert: "%4$s", insecureSkipVerify: "false"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: ovirt, namespace: %1$s}
                spec: {type: ovirt, url: "%5$s", secret: {name: ovirt-credentials, namespace: %1$s}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: folder-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%6$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%6$s", secret: {name: folder-secret, namespace: %1$s}}
                """.formatted(NS, OvirtEngineTestServer.USER, OvirtEngineTestServer.PASSWORD, json(engine.tls.caPem),
                engine.url, target));
        String uid = waitTrue(api, ResourceKind.PROVIDER, NS, "ovirt", "Ready", 180).path("metadata").path("uid").asText();
        String base = "/providers/ovirt/" + uid;
        JsonNode vmOn = VsphereColdMigrationIT.collected(api, base + "/vms?detail=1").stream()
                .filter(v -> v.path("name").asText().equals("vm_on")).findFirst().orElseThrow();
        String networkId = vmOn.path("nics").get(0).path("profile").path("network").asText();
        assertThat(networkId).isNotBlank();
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%2$s"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "723b4112-1502-4b01-83a7-2ba87d1bbb35"}, destination: {storageClass: standard}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: cold, namespace: %1$s}
                spec:
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %3$s}, {name: vm_off}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cold-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS, networkId, OvirtEngineTestServer.VM_ON));
        JsonNode plan = waitTrueOrFailed(api, NS, "cold", 600);
        String manifestOn = Files.readString(target.resolve("migrated/vm-on/virtualmachine.yaml"));
        String manifestOff = Files.readString(target.resolve("migrated/vm-off/virtualmachine.yaml"));
        assertThat(manifestOff).contains("00:1a:4a:16:01:04").containsPattern("runStrategy: \"?Halted");
        assertThat(manifestOn).containsPattern("runStrategy: \"?Always");
        int checked = 0;
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode step : vm.path("pipeline")) {
                for (JsonNode task : step.path("tasks")) {
                    JsonNode a = task.path("annotations");
                    if (a.has("hoist.io/source-checksum")) {
                        assertThat(a.path("hoist.io/source-checksum").asText()).isEqualTo(a.path("hoist.io/target-checksum").asText());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(2);
    }
}
