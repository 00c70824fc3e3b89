package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.VsphereColdMigrationIT.waitTrueOrFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.ovirt.testsupport.EdgeCaseVms;
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
            new EdgeCaseVms(engine).sharedObjects().vm("lun-vm", "vms/basic-vm.xml", java.util.Map.of())
                    .disk("disk-1", "disks/storage-type-template.xml", java.util.Map.of("@STORAGETYPE", "lun")).add();
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
        OvirtPlatformSetup.providersAndMaps(api, NS, engine, target);
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: cold, namespace: %1$s}
                spec:
                  skipGuestConversion: true   # the simulated disks hold data, no operating system to convert
                  preserveClusterCpuModel: true
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: %2$s}, {name: vm_off}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: cold-run, namespace: %1$s}
                spec: {plan: {name: cold, namespace: %1$s}}
                """.formatted(NS, OvirtEngineTestServer.VM_ON));
        JsonNode plan = waitTrueOrFailed(api, NS, "cold", 600);
        String manifestOn = Files.readString(target.resolve("migrated/vm-on/virtualmachine.yaml"));
        String manifestOff = Files.readString(target.resolve("migrated/vm-off/virtualmachine.yaml"));
        assertThat(manifestOff).contains("00:1a:4a:16:01:04").containsPattern("runStrategy: \"?Halted");
        assertThat(manifestOn).containsPattern("runStrategy: \"?Always");
        // the libvirt model of the recorded cluster's family (Intel Skylake Server IBRS SSBD Family), not its name
        assertThat(manifestOn).containsPattern("model: \"?Skylake-Server\"?\n").doesNotContain("IBRS SSBD Family");
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
        lunVmIsAPlanConditionNamingTheDisk(api);
    }

    /**
     * A VM with a direct LUN disk whose logical unit the engine does not report (the fixtures' storage-type stub): it
     * cannot be attached to the target, so the plan says so before anything runs, naming the disk, instead of migrating
     * the VM without it. A LUN with its storage details is handed over: {@link OvirtLunMigrationIT}.
     */
    private static void lunVmIsAPlanConditionNamingTheDisk(ApiClient api) throws Exception {
        apply(api, NS, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: lun, namespace: %1$s}
                spec:
                  targetNamespace: migrated
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: {network: {name: net, namespace: %1$s}, storage: {name: stor, namespace: %1$s}}
                  vms: [{id: lun-vm}]
                """.formatted(NS));
        long end = System.nanoTime() + 180_000_000_000L;
        while (true) {
            JsonNode plan = api.get(ResourceKind.PLAN, NS, "lun");
            String message = "";
            for (JsonNode c : plan.path("status").path("conditions")) {
                if ("VMCriticalConcerns".equals(c.path("type").asText())) {
                    message = c.path("message").asText();
                }
            }
            if (message.contains("Direct LUN disk cirros")) {
                assertThat(CrashResumeIT.isTrue(plan, "Ready")).as("a plan with a LUN VM is not Ready").isFalse();
                return;
            }
            assertThat(System.nanoTime()).as("LUN plan condition: " + plan.path("status")).isLessThan(end);
            Thread.sleep(500);
        }
    }
}
