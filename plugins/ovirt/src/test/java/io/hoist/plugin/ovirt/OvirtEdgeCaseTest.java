package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.plugin.ovirt.testsupport.EdgeCaseVms;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.policy.engine.Limits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge-case stubs of the fixtures (vm-import-operator's: watchdog, USB, CPU pinning, illegal images, placement
 * policy, BIOS type, architecture, origin, status, LUN storage, SCSI reservation, disk and NIC interfaces,
 * pass-through vNIC profile, missing disk) served by the test engine next to each other. Each one is collected by
 * the plugin, and its workload run through the default ovirt rules as the validation service runs them: the
 * inventory field, the concern (id and category, as MTV's) or the clear error a user would look for.
 */
class OvirtEdgeCaseTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static OvirtEngineTestServer engine;
    static HostContextTestDouble host;
    static PolicyInstance rules;
    static final String VALIDATE = "io/konveyor/forklift/ovirt/validate";
    static final Map<String, String> lunDisk = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
        EdgeCaseVms cases = new EdgeCaseVms(engine).sharedObjects();
        cases.vm("basic", "vms/basic-vm.xml", Map.of()).add();
        cases.vm("two-networks", "vms/two-networks-vm.xml", Map.of()).nics("nics/two.xml", Map.of())
                .attachments("disk-attachments/two.xml", Map.of()).disk("disk-2", "disks/disk-2.xml", Map.of()).add();
        cases.vm("watchdog", "vms/watchdog-vm.xml", Map.of()).watchdogs("watchdogs/model-template.xml", Map.of("@MODEL", "diag288")).add();
        cases.vm("s390x", "vms/architecture-template.xml", Map.of("@ARCH", "s390x")).add();
        cases.vm("secure-boot", "vms/bios-type-template.xml", Map.of("@BIOSTYPE", "q35_secure_boot")).add();
        cases.vm("cpu-pinning", "vms/cpu-pinning-template.xml", Map.of()).add();
        cases.vm("illegal-images", "vms/has-illegal-images-template.xml", Map.of("@ILLEGALIMAGES", "true")).add();
        cases.vm("kubevirt-origin", "vms/origin-template.xml", Map.of("@ORIGIN", "kubevirt")).add();
        cases.vm("migratable", "vms/placement-policy-affinity-template.xml", Map.of("@AFFINITY", "migratable")).add();
        cases.vm("paused", "vms/status-template.xml", Map.of("@VMSTATUS", "paused")).add();
        cases.vm("timezone", "vms/timezone-template.xml", Map.of("@TIMEZONE", "Europe/Prague")).add();
        cases.vm("usb", "vms/usb-template.xml", Map.of("@ENABLED", "true")).add();
        cases.vm("invalid", "vms/invalid-disk.xml", Map.of())
                .attachments("disk-attachments/disk_id-template.xml", Map.of("@DISKID", "no-such-disk")).add();
        cases.vm("locked-disk", "vms/basic-vm.xml", Map.of()).disk("disk-1", "disks/status-template.xml", Map.of("@STATUS", "locked")).add();
        cases.vm("cinder-disk", "vms/basic-vm.xml", Map.of())
                .disk("disk-1", "disks/storage-type-template.xml", Map.of("@STORAGETYPE", "cinder")).add();
        EdgeCaseVms.Vm lun = cases.vm("lun-disk", "vms/basic-vm.xml", Map.of())
                .disk("disk-1", "disks/storage-type-template.xml", Map.of("@STORAGETYPE", "lun"));
        lun.add();
        lunDisk.put("id", lun.diskId("disk-1"));
        cases.vm("image-and-lun", "vms/basic-vm.xml", Map.of()).attachments("disk-attachments/two.xml", Map.of())
                .disk("disk-2", "disks/disk-2.xml", Map.of()).lunDisk("disk-2", EdgeCaseVms.RECORDED_LUN).add();
        cases.vm("lun-storage-element", "vms/basic-vm.xml", Map.of()).disk("disk-1", "invalid/disks/lun-storage.xml", Map.of()).add();
        cases.vm("scsi-reservation", "vms/basic-vm.xml", Map.of())
                .attachments("invalid/disk-attachments/scsi-reservation.xml", Map.of()).add();
        cases.vm("scsi-reservation-disk", "vms/basic-vm.xml", Map.of())
                .disk("disk-1", "invalid/disks/scsi-reservation.xml", Map.of()).add();
        cases.vm("no-disks", "vms/basic-vm.xml", Map.of())
                .attachments("invalid/disk-attachments/disk-attachments-empty.xml", Map.of()).add();
        cases.vm("ide-disk", "vms/basic-vm.xml", Map.of()).attachments("disk-attachments/interface-template.xml", Map.of("@INTERFACE", "ide")).add();
        cases.vm("sgio", "vms/basic-vm.xml", Map.of()).disk("disk-1", "disks/sgio-template.xml", Map.of("@SGIO", "unfiltered")).add();
        cases.vm("spapr-nic", "vms/basic-vm.xml", Map.of()).nics("nics/interface-template.xml", Map.of("@INTERFACE", "spapr_vlan")).add();
        cases.vm("passthrough-nic", "vms/basic-vm.xml", Map.of()).replaceInNics("vnic-profile-1", EdgeCaseVms.PASSTHROUGH_PROFILE).add();
        cases.vm("no-nics", "vms/basic-vm.xml", Map.of()).nics("nics/empty.xml", Map.of()).add();
        cases.vm("mac", "vms/basic-vm.xml", Map.of()).nics("nics/mac-template.xml", Map.of("@MAC", "56:6f:05:0f:00:99")).add();

        host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            s.collectInventory(host.inventory());
        }
        assertThat(host.inventory().failure).isNull();
        // the rule package this plugin ships, compiled as the validation service compiles it (hoist-validation
        // itself depends on this plugin); what the rules decide is tested here, not how fast: a 60 s budget, as a
        // cold first evaluation overran the platform's 1 s under a load of 16 on 2 cores
        List<SourceFile> sources = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/rules/ovirt"))) {
            for (var f : files.filter(f -> f.toString().endsWith(".rego") && !f.toString().endsWith("_test.rego")).sorted().toList()) {
                sources.add(new SourceFile(f.getFileName().toString(), java.nio.file.Files.readString(f)));
            }
        }
        rules = PolicyEngine.load(RegoCompiler.compile(sources, List.of(VALIDATE)).wasm(),
                Limits.defaults().withTimeBudget(java.time.Duration.ofSeconds(60))).instantiate("{}");
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> workload(String vmId) {
        Object w = host.inventory().workloads.get(vmId);
        assertThat(w).as("workload of " + vmId).isNotNull();
        return (Map<String, Object>) w;
    }

    /** concern id → category, as the validation service writes them onto the VM. */
    static Map<String, String> concerns(String vmId) throws Exception {
        JsonNode result = rules.evaluateResult(VALIDATE, JSON.writeValueAsString(workload(vmId)));
        assertThat(result.path("errors")).as("rule errors").isEmpty();
        Map<String, String> out = new LinkedHashMap<>();
        result.path("concerns").forEach(c -> out.put(c.path("id").asText(), c.path("category").asText()));
        return out;
    }

    static JsonNode concern(String vmId, String id) throws Exception {
        JsonNode result = rules.evaluateResult(VALIDATE, JSON.writeValueAsString(workload(vmId)));
        for (JsonNode c : result.path("concerns")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError(vmId + " has no concern " + id + ": " + result.path("concerns"));
    }

    static Stream<Arguments> concernCases() {
        return Stream.of(
                Arguments.of("watchdog", "ovirt.watchdog.enabled", "Warning"),
                Arguments.of("s390x", "ovirt.cpu.architecture.unsupported", "Critical"),
                Arguments.of("secure-boot", "ovirt.secure_boot.detected", "Warning"),
                Arguments.of("cpu-pinning", "ovirt.cpu.tuning.detected", "Warning"),
                Arguments.of("illegal-images", "ovirt.disk.illegal_images.detected", "Critical"),
                Arguments.of("kubevirt-origin", "ovirt.vm.origin.unsupported", "Critical"),
                Arguments.of("migratable", "ovirt.placement_policy.affinity_set", "Warning"),
                Arguments.of("paused", "ovirt.vm.status_invalid", "Warning"),
                Arguments.of("usb", "ovirt.usb.enabled", "Warning"),
                Arguments.of("locked-disk", "ovirt.disk.illegal_or_locked_status", "Critical"),
                Arguments.of("cinder-disk", "ovirt.disk.storage_type.unsupported", "Critical"),
                Arguments.of("lun-disk", "ovirt.disk.lun.unknown", "Critical"),
                Arguments.of("image-and-lun", "ovirt.disk.lun.detected", "Warning"),
                Arguments.of("scsi-reservation", "ovirt.disk.scsi_reservation.enabled", "Warning"),
                Arguments.of("scsi-reservation-disk", "ovirt.disk.scsi_reservation.enabled", "Warning"),
                Arguments.of("ide-disk", "ovirt.disk.interface_type.unsupported", "Warning"),
                Arguments.of("spapr-nic", "ovirt.nic.interface_type.unsupported", "Warning"),
                Arguments.of("passthrough-nic", "ovirt.nic.pci_passthrough.detected", "Warning"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("concernCases")
    void eachEdgeCaseRaisesTheConcernAUserLooksFor(String vmId, String concernId, String category) throws Exception {
        assertThat(concerns(vmId)).containsEntry(concernId, category);
        assertThat(concerns("basic")).as("the basic VM has no such concern").doesNotContainKey(concernId);
    }

    @Test
    void theBasicVmRaisesOnlyWhatMtvRaisesForIt() throws Exception {
        // SPICE display (Information, as MTV) and Hoist's warm note: its disk is not enabled for incremental backup
        assertThat(concerns("basic")).containsOnlyKeys("ovirt.display_type.spice.enabled", "ovirt.warm_migration.incremental_backup.disabled")
                .containsEntry("ovirt.display_type.spice.enabled", "Information")
                .containsEntry("ovirt.warm_migration.incremental_backup.disabled", "Information");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theInventoryShowsEachCaseInMtvsFields() {
        assertThat(workload("watchdog").get("watchDogs")).asList().singleElement()
                .satisfies(w -> assertThat((Map<String, Object>) w).containsEntry("model", "diag288"));
        assertThat(workload("s390x")).containsEntry("cpuArchitecture", "s390x");
        assertThat(workload("secure-boot")).containsEntry("bios", "q35_secure_boot");
        assertThat(workload("cpu-pinning")).containsEntry("cpuPinningPolicy", "manual");
        assertThat((List<Object>) workload("cpu-pinning").get("cpuAffinity")).hasSize(2);
        assertThat(workload("illegal-images")).containsEntry("hasIllegalImages", true);
        assertThat(workload("kubevirt-origin")).containsEntry("origin", "kubevirt");
        assertThat(workload("migratable")).containsEntry("placementPolicyAffinity", "migratable");
        assertThat(workload("paused")).containsEntry("status", "paused");
        assertThat(workload("timezone")).containsEntry("timezone", "Europe/Prague");
        assertThat(workload("usb")).containsEntry("usbEnabled", true);
        assertThat(workload("no-disks").get("diskAttachments")).asList().isEmpty();
        assertThat(workload("no-nics").get("nics")).asList().isEmpty();

        List<Map<String, Object>> nics = (List<Map<String, Object>>) workload("two-networks").get("nics");
        assertThat(nics).extracting(n -> ((Map<String, Object>) n.get("profile")).get("network")).containsExactly("net-1", "net-2");
        assertThat(workload("two-networks").get("netIDs")).asList().containsExactly("net-1", "net-2");
        List<Map<String, Object>> atts = (List<Map<String, Object>>) workload("two-networks").get("diskAttachments");
        assertThat(atts).extracting(a -> a.get("interface")).containsExactly("virtio", "sata");
        assertThat(atts).allSatisfy(a -> assertThat((Map<String, Object>) a.get("disk"))
                .containsEntry("provisionedSize", Long.parseLong(EdgeCaseVms.DISK_SIZE)).containsEntry("storageDomain", "domain-1"));

        Map<String, Object> lunDoc = (Map<String, Object>) ((List<Map<String, Object>>) workload("lun-disk").get("diskAttachments")).get(0).get("disk");
        assertThat(lunDoc).containsEntry("storageType", "lun").containsKey("lun");
        // <lun_storage/> on a disk the engine calls an image: the storage type decides, no logical unit is invented
        Map<String, Object> odd = (Map<String, Object>) ((List<Map<String, Object>>) workload("lun-storage-element").get("diskAttachments")).get(0).get("disk");
        assertThat(odd).containsEntry("storageType", "image");
        assertThat(((Map<String, Map<String, List<?>>>) odd.get("lun")).get("logicalUnits").get("logicalUnit")).isEmpty();
        // a disk the engine does not have: the attachment names it, nothing more is made up
        Map<String, Object> missing = (Map<String, Object>) ((List<Map<String, Object>>) workload("invalid").get("diskAttachments")).get(0).get("disk");
        assertThat(missing).containsOnly(Map.entry("id", "no-such-disk"));
        Map<String, Object> pt = (Map<String, Object>) ((List<Map<String, Object>>) workload("passthrough-nic").get("nics")).get(0).get("profile");
        assertThat(pt).containsEntry("passThrough", true);
    }

    @Test
    void theLunDiskConcernsNameTheDiskAndTheLun() throws Exception {
        JsonNode c = concern("lun-disk", "ovirt.disk.lun.unknown");
        assertThat(c.path("label").asText()).contains("cirros"); // the disk's name in storage-type-template.xml
        JsonNode w = concern("image-and-lun", "ovirt.disk.lun.detected");
        assertThat(w.path("assessment").asText()).contains(EdgeCaseVms.RECORDED_LUN).contains("must reach its storage");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLunsStorageIsPublishedAsTheEngineReportsIt() throws Exception {
        List<Map<String, Object>> atts = (List<Map<String, Object>>) workload("image-and-lun").get("diskAttachments");
        Map<String, Object> lun = atts.stream().map(a -> (Map<String, Object>) a.get("disk"))
                .filter(d -> "lun".equals(d.get("storageType"))).findFirst().orElseThrow();
        List<Map<String, Object>> units = ((Map<String, Map<String, List<Map<String, Object>>>>) lun.get("lun")).get("logicalUnits").get("logicalUnit");
        assertThat(units).singleElement().satisfies(u -> assertThat(u)
                .containsEntry("lunId", EdgeCaseVms.RECORDED_LUN).containsEntry("address", "10.46.9.43")
                .containsEntry("port", "3260").containsEntry("target", "iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2")
                .containsEntry("lunMapping", 1L));
    }

    @Test
    void aLunIsHandedOverAsAnIscsiVolumeAndDetachedKeepingTheDisk() throws Exception {
        String vmId = "image-and-lun";
        String lunId = "image-and-lun-disk-2";
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef("image-and-lun", null)).orElseThrow();
            assertThat(vm.disks()).extracting(SourceDisk::external).containsExactly(false, true);
            SourceDisk lun = vm.disks().get(1);
            assertThat(lun.id()).isEqualTo(lunId);
            assertThat(lun.capacity()).isEqualTo(9663676416L);
            assertThat(lun.externalVolume()).isEqualTo(io.hoist.api.source.ExternalVolume.iscsi(EdgeCaseVms.RECORDED_LUN,
                    9663676416L, false, "10.46.9.43:3260", "iqn.2003-01.org.linux-iscsi.vm-9-43.x8664:sn.14af6987d1c2", 1));
            assertThatThrownBy(() -> s.openDisk(vm, lun, null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("attached to the target, not copied");
            assertThat(engine.attachedDisks(vmId)).contains(lunId);
            s.detachDisk(vm, lun);
            s.detachDisk(vm, lun); // a retry after a crash: already detached is fine
            assertThat(engine.attachedDisks(vmId)).as("the attachment is gone, the image disk stays").containsExactly("image-and-lun-disk-1");
            assertThat(engine.diskExists(lunId)).as("detach_only: the LUN disk is kept in the engine").isTrue();
            assertThat(engine.detached()).containsExactly(vmId + "/" + lunId);
        }
    }

    @Test
    void describeGivesTheEngineWhatTheTargetIsBuiltFrom() {
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm basic = s.describe(new VmRef("basic", null)).orElseThrow();
            assertThat(basic.firmware()).isEqualTo(Firmware.BIOS);
            assertThat(basic.disks()).singleElement().satisfies(d -> {
                assertThat(d.capacity()).isEqualTo(Long.parseLong(EdgeCaseVms.DISK_SIZE));
                assertThat(d.storageId()).isEqualTo("domain-1");
                assertThat(d.bootOrder()).isEqualTo(1);
            });
            assertThat(basic.nics()).singleElement().satisfies(n -> {
                assertThat(n.mac()).isEqualTo("56:6f:05:0f:00:05");
                assertThat(n.networkId()).isEqualTo("net-1");
                assertThat(n.networkName()).isEqualTo("net-1");
            });
            assertThat(s.describe(new VmRef("mac", null)).orElseThrow().nics()).extracting(SourceNic::mac).containsExactly("56:6f:05:0f:00:99");
            assertThat(s.describe(new VmRef("two-networks", null)).orElseThrow().nics()).extracting(SourceNic::networkName)
                    .containsExactly("net-1", "net-2");
            SourceVm secure = s.describe(new VmRef("secure-boot", null)).orElseThrow();
            assertThat(secure.firmware()).isEqualTo(Firmware.EFI);
            assertThat(secure.secureBoot()).isTrue();
            assertThat(s.describe(new VmRef("no-disks", null)).orElseThrow().disks()).isEmpty();
            // the target's clock.timezone, as MTV's oVirt builder sets it from the VM's own zone
            assertThat(s.describe(new VmRef("timezone", null)).orElseThrow().identity().timezone()).isEqualTo("Europe/Prague");
            assertThat(basic.identity().timezone()).isEqualTo("Etc/GMT");
        }
    }

    @Test
    void aLunDiskIsRefusedByNameNeverSkipped() {
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef("lun-disk", null)).orElseThrow();
            assertThat(vm.disks()).as("the LUN stays part of the VM").extracting(SourceDisk::id).containsExactly(lunDisk.get("id"));
            SourceDisk d = vm.disks().get(0);
            assertThatThrownBy(() -> s.openDisk(vm, d, null)).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("LunDiskNotSupported"))
                    .hasMessageContaining("cirros").hasMessageContaining("direct LUN").hasMessageContaining("no lun_storage");
            assertThatThrownBy(() -> s.createSnapshot(vm, "warm")).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("LunDiskNotSupported"));
        }
        assertThat(engine.open()).as("nothing was started for the LUN").isEmpty();
    }

    @Test
    void aDiskTheEngineDoesNotHaveIsAClearErrorNamingIt() {
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            assertThatThrownBy(() -> s.describe(new VmRef("invalid", null))).isInstanceOf(HoistException.class)
                    .hasMessageContaining("no-such-disk").hasMessageContaining("not found");
        }
    }
}
