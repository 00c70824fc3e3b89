package io.hoist.core.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.validation.rules.RuleSetException;
import io.hoist.policy.engine.Limits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service against a real Inventory: a plugin publishes, the service validates and writes concerns back. */
class ValidationServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private final Inventory inventory = new Inventory();
    private ValidationService service;
    private InventoryPublisher vsphere;

    @BeforeEach
    void start() {
        vsphere = inventory.register(new ProviderRef("uid-vc", "demo", "vcenter", "vsphere"));
        // long poll interval: tests call rescanDirectory() themselves
        service = new ValidationService(inventory, data.resolve("rules"), Limits.defaults(), 2).start(Duration.ofHours(1));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private void publish(String id, Map<String, Object> doc) {
        Map<String, Object> d = new LinkedHashMap<>(doc);
        d.put("id", id);
        vsphere.put("vms", id, (String) d.get("name"), d);
        vsphere.putWorkload(id, d);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> concerns(String collection, String id) {
        return (List<Map<String, Object>>) inventory.get("uid-vc", collection, id).orElseThrow().get("concerns");
    }

    private List<Object> concernIds(String id) {
        return concerns("vms", id).stream().map(c -> c.get("id")).toList();
    }

    @Test
    void publishedVmGetsConcernsOnVmAndWorkloadWithoutARevisionBump() throws Exception {
        publish("vm-2041", Workloads.load("vsphere-erp-db-01.json"));
        assertThat(service.awaitIdle(WAIT)).isTrue();

        assertThat(concernIds("vm-2041")).contains("vmware.disk_mode.independent", "vmware.drs.enabled").hasSize(8);
        assertThat(concerns("vms", "vm-2041")).anySatisfy(c -> assertThat(c).containsEntry("category", "Critical"));
        assertThat(concerns("workloads", "vm-2041")).isEqualTo(concerns("vms", "vm-2041"));
        Map<String, Object> vm = inventory.get("uid-vc", "vms", "vm-2041").orElseThrow();
        assertThat(vm).containsEntry("revision", 1L).containsEntry("revisionValidated", 1L);

        // the VM changes: its revision moves and it is validated again
        Map<String, Object> fixed = new LinkedHashMap<>(Workloads.load("vsphere-erp-db-01.json"));
        fixed.put("devices", List.of());
        publish("vm-2041", fixed);
        assertThat(service.awaitIdle(WAIT)).isTrue();
        assertThat(concernIds("vm-2041")).doesNotContain("vmware.usb_controller.detected").hasSize(7);
        assertThat(inventory.get("uid-vc", "vms", "vm-2041").orElseThrow()).containsEntry("revisionValidated", 2L);
    }

    @Test
    void droppedRulesVersionBumpAndCustomRuleRevalidateTheInventory() throws Exception {
        publish("vm-1", Workloads.load("vsphere-erp-db-01.json"));
        assertThat(service.awaitIdle(WAIT)).isTrue();
        long before = service.validatedCount();

        Path dir = Files.createDirectories(data.resolve("rules/vmware"));
        // the vsphere folder (the Provider type) feeds the vmware package too
        Files.writeString(Files.createDirectories(data.resolve("rules/vsphere")).resolve("multiple_disks.rego"), """
                package io.konveyor.forklift.vmware
                import rego.v1
                concerns contains {"id": "custom.disks", "category": "Critical", "label": "Too many disks", "assessment": "x"} if count(input.disks) > 3
                """);
        Files.writeString(dir.resolve("rules_version.rego"), """
                package io.konveyor.forklift.vmware
                RULES_VERSION := 2
                rules_version := {"rules_version": RULES_VERSION}
                """);
        assertThat(service.rescanDirectory()).containsExactly("vmware");
        assertThat(service.awaitIdle(WAIT)).isTrue();

        assertThat(service.ruleSet("vmware").orElseThrow().rulesVersion()).isEqualTo("2");
        assertThat(service.validatedCount()).isGreaterThan(before);
        assertThat(concernIds("vm-1")).contains("custom.disks").hasSize(9);
    }

    @Test
    void conflictingDroppedFileIsRefusedAndThePreviousRulesStay() throws Exception {
        Path dir = Files.createDirectories(data.resolve("rules/vmware"));
        Files.writeString(dir.resolve("valid.rego"), "package io.konveyor.forklift.vmware\n\ndefault valid_input = true\n");
        assertThat(service.rescanDirectory()).isEmpty();
        assertThat(service.errors().get("vmware"))
                .contains("DATA/rules/vmware/valid.rego:3", "default/validate.rego:6", "default valid_input = true");
        assertThat(service.ruleSet("vmware").orElseThrow().files()).noneMatch(f -> f.name().equals("valid.rego"));

        publish("vm-1", Workloads.load("vsphere-erp-db-01.json"));
        assertThat(service.awaitIdle(WAIT)).isTrue();
        assertThat(concernIds("vm-1")).hasSize(8);
    }

    @Test
    void configMapIsAllOrNothingAndRemovable() throws Exception {
        publish("vm-1", Workloads.load("vsphere-erp-db-01.json"));
        service.applyConfigMap("demo/forklift-validation-config", Map.of(
                "vmware_multiple_disks.rego", """
                        package io.konveyor.forklift.vmware
                        has_multiple_disks {
                          count(input.disks) > 1
                        }
                        concerns[flag] {
                          has_multiple_disks
                          flag := {"category": "Information", "label": "Multiple disks detected", "assessment": "Multiple disks detected on this VM."}
                        }
                        """,
                "README.md", "not a rule"));
        assertThat(service.awaitIdle(WAIT)).isTrue();
        assertThat(concerns("vms", "vm-1")).anySatisfy(c -> assertThat(c).containsEntry("label", "Multiple disks detected"));

        // a second ConfigMap whose ovirt file is fine but whose vmware file conflicts changes nothing
        assertThatThrownBy(() -> service.applyConfigMap("demo/other", Map.of(
                "ok.rego", "package io.konveyor.forklift.ovirt\nimport rego.v1\nextra := 1\n",
                "bad.rego", "package io.konveyor.forklift.vmware\ndefault valid_input = true\n")))
                .isInstanceOf(RuleSetException.class).hasMessageContaining("configmap demo/other/bad.rego:2");
        assertThat(service.ruleSet("ovirt").orElseThrow().files()).noneMatch(f -> f.name().equals("ok.rego"));

        service.removeConfigMap("demo/forklift-validation-config");
        assertThat(service.awaitIdle(WAIT)).isTrue();
        assertThat(concerns("vms", "vm-1")).noneSatisfy(c -> assertThat(c).containsEntry("label", "Multiple disks detected"));
    }

    @Test
    void opaBundleRegoFilesAreMerged() throws Exception {
        publish("vm-1", Workloads.load("vsphere-erp-db-01.json"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            add(tar, "/.manifest", "{\"revision\":\"\",\"roots\":[\"io/konveyor/forklift/vmware\"]}");
            add(tar, "/io/konveyor/forklift/vmware/efi.rego", """
                    package io.konveyor.forklift.vmware
                    import rego.v1
                    concerns contains {"id": "custom.efi", "category": "Information", "label": "EFI firmware", "assessment": "EFI"} if input.firmware == "efi"
                    """);
            add(tar, "/io/konveyor/forklift/vmware/efi_test.rego", "package io.konveyor.forklift.vmware\ntest_x := true\n");
        }
        service.applyBundle("site-rules", bytes.toByteArray());
        assertThat(service.awaitIdle(WAIT)).isTrue();
        assertThat(concernIds("vm-1")).contains("custom.efi");
        assertThatThrownBy(() -> service.applyBundle("junk", "not a bundle".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("bundle junk: not a gzip-compressed tar archive");
    }

    private static void add(TarArchiveOutputStream tar, String name, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }
}
