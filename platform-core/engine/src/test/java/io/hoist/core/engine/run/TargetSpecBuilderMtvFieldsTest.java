package io.hoist.core.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.core.model.resource.NetworkMap;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.Provider;
import io.hoist.core.model.resource.StorageMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The target spec field by field against what MTV makes of the same plan: its defaults when a field is unset, and
 * each Plan/VM field that shapes the target VM. Every test sets the field both ways so it fails if the field is
 * ignored.
 */
class TargetSpecBuilderMtvFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SourceVm VM = new SourceVm("vm-42", "Web 01", 2, 2, 1, 4L << 30, Firmware.EFI, true, PowerState.ON,
            "host-1", "rhel9_64Guest",
            List.of(new SourceDisk("2000", "[ds1] web/web.vmdk", 10L << 30, "ds1", "scsi", false, 0,
                            "6000C29d-1234-5678-9abc-def012345678", "c", null),
                    new SourceDisk("2001", "[ds1] web/web_1.vmdk", 20L << 30, "ds1", "scsi", false, 0, null, null, null)),
            List.of(new SourceNic("nic0", "00:50:56:aa:bb:cc", "net-1", "VM Network", "vmxnet3")),
            "Intel Skylake")
            .withIdentity(new SourceVm.Identity("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a",
                    "VMware-42 23 fa 5e 1c 1b 4c d5-8f 4c 3a 6e 0f 3d 1e 2a", true, "Europe/Paris", null));

    static Plan plan(String specJson, String vmJson) throws Exception {
        return JSON.readValue("""
                {"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan",
                 "metadata": {"name": "wave1", "namespace": "ns", "uid": "u1"},
                 "spec": {"targetNamespace": "t" %s, "vms": [{"id": "vm-42" %s}]}}
                """.formatted(specJson.isEmpty() ? "" : ", " + specJson, vmJson.isEmpty() ? "" : ", " + vmJson), Plan.class);
    }

    static StorageMap storage() throws Exception {
        return JSON.readValue("""
                {"spec": {"map": [{"source": {"id": "ds1"}, "destination": {"storageClass": "fast"}}]}}
                """, StorageMap.class);
    }

    static NetworkMap network() throws Exception {
        return JSON.readValue("""
                {"spec": {"map": [{"source": {"id": "net-1"}, "destination": {"type": "pod"}}]}}
                """, NetworkMap.class);
    }

    static TargetSpecBuilder.Built build(Plan plan, TargetSpecBuilder.Context ctx) throws Exception {
        return TargetSpecBuilder.build(VM, plan, plan.spec.vms.get(0), network(), storage(), "u1", "m1", true, ctx);
    }

    static TargetVmSpec spec(String specJson, String vmJson) throws Exception {
        return build(plan(specJson, vmJson), vsphere()).spec();
    }

    static TargetSpecBuilder.Context vsphere() {
        return new TargetSpecBuilder.Context("prov-uid", Provider.TYPE_VSPHERE, OsMaps.defaults(Provider.TYPE_VSPHERE),
                null, null, Set.of());
    }

    // ---- item 1: MTV's defaults

    @Test
    void useCompatibilityModeDefaultsToTrue() throws Exception {
        TargetVmSpec unset = spec("\"skipGuestConversion\": true", "");
        assertThat(unset.diskBus()).isEqualTo("sata");
        assertThat(unset.nics().get(0).model()).isEqualTo("e1000e");
        assertThat(unset.identity().tabletBus()).isEqualTo("usb");

        TargetVmSpec off = spec("\"skipGuestConversion\": true, \"useCompatibilityMode\": false", "");
        assertThat(off.diskBus()).isEqualTo("virtio");
        assertThat(off.nics().get(0).model()).isEqualTo("virtio");

        // Converted guests have virtio drivers: compatibility mode applies only to raw copies.
        assertThat(spec("", "").diskBus()).isEqualTo("virtio");
    }

    @Test
    void pvcNameTemplateUseGenerateNameDefaultsToTrue() throws Exception {
        TargetVmSpec unset = spec("", "");
        assertThat(unset.disks()).allMatch(TargetDisk::generateName);
        // MTV's built-in template when none is set: trunc 15 of plan and VM names.
        assertThat(unset.disks().get(1).pvcName()).isEqualTo("wave1-web-01-disk-1");

        TargetVmSpec off = spec("\"pvcNameTemplateUseGenerateName\": false", "");
        assertThat(off.disks()).noneMatch(TargetDisk::generateName);

        // KubeVirt sources always use the exact name, whatever the field says (MTV ignores it for them).
        Plan p = plan("\"pvcNameTemplateUseGenerateName\": true", "");
        TargetSpecBuilder.Context openshift = new TargetSpecBuilder.Context("prov-uid", Provider.TYPE_OPENSHIFT, Map.of(),
                null, null, Set.of());
        assertThat(build(p, openshift).spec().disks()).noneMatch(TargetDisk::generateName);
    }

    // ---- item 2: fields acted on

    @Test
    void placementFieldsReachThePodTemplate() throws Exception {
        TargetVmSpec s = spec("""
                "targetNodeSelector": {"zone": "a"}, "targetLabels": {"team": "web"},
                "targetAffinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                  {"labelSelector": {"matchLabels": {"team": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}}""", "");
        assertThat(s.placement().nodeSelector()).containsExactlyEntriesOf(Map.of("zone", "a"));
        assertThat(s.placement().templateLabels()).containsEntry("team", "web").containsEntry("app", "web-01");
        assertThat(s.placement().affinity()).containsKey("podAntiAffinity");
        assertThat(spec("", "").placement().nodeSelector()).isEmpty();
        assertThat(spec("", "").placement().affinity()).isNull();
    }

    @Test
    void rootDiskSetsTheBootOrderAndRootDiskIndex() throws Exception {
        TargetVmSpec s = spec("\"pvcNameTemplate\": \"{{.TargetVmName}}-{{.DiskIndex}}-root{{.RootDiskIndex}}\"",
                "\"rootDisk\": \"/dev/sdb\"");
        assertThat(s.disks().get(0).bootOrder()).isZero();
        assertThat(s.disks().get(1).bootOrder()).isEqualTo(1);
        assertThat(s.disks().get(0).pvcName()).isEqualTo("web-01-0-root1");

        // Without rootDisk the first disk boots.
        assertThat(spec("", "").disks().get(0).bootOrder()).isEqualTo(1);

        // A rootDisk the VM does not have is a note (a plan condition), never a silent choice.
        TargetSpecBuilder.Built bad = build(plan("", "\"rootDisk\": \"/dev/sdk\""), vsphere());
        assertThat(bad.notes()).extracting(TargetSpecBuilder.Note::conditionType).contains("RootDiskNotValid");
    }

    @Test
    void instanceTypeNestedVirtualizationAndPowerState() throws Exception {
        TargetVmSpec s = spec("\"enableNestedVirtualization\": false, \"targetPowerState\": \"off\"",
                "\"instanceType\": \"u1.large\", \"enableNestedVirtualization\": true");
        assertThat(s.flavor().instanceType()).isEqualTo("u1.large");
        assertThat(s.identity().nestedVirtualization()).isTrue(); // the VM's setting wins over the plan's
        assertThat(s.runStrategy()).isEqualTo("Halted");
        TargetVmSpec d = spec("\"enableNestedVirtualization\": false", "\"targetPowerState\": \"on\"");
        assertThat(d.identity().nestedVirtualization()).isFalse();
        assertThat(d.runStrategy()).isEqualTo("Always");
        assertThat(d.flavor().instanceType()).isNull();
    }

    @Test
    void transferNetworkFromThePlanElseTheControllerDefault() throws Exception {
        assertThat(spec("\"transferNetwork\": {\"name\": \"storage-net\", \"namespace\": \"t\"}", "").transferNetwork())
                .isEqualTo("t/storage-net");
        TargetSpecBuilder.Context withDefault = new TargetSpecBuilder.Context("prov-uid", Provider.TYPE_VSPHERE, Map.of(),
                "default/migration-net", null, Set.of());
        assertThat(build(plan("", ""), withDefault).spec().transferNetwork()).isEqualTo("default/migration-net");
        assertThat(spec("", "").transferNetwork()).isNull();
    }

    // ---- item 3: target VM fidelity

    @Test
    void theTargetKeepsTheSourceIdentity() throws Exception {
        TargetVmSpec s = spec("", "");
        assertThat(s.identity().firmwareUuid()).isEqualTo("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a");
        assertThat(s.identity().firmwareSerial()).startsWith("VMware-42 23 fa 5e");
        assertThat(s.identity().tpm()).isTrue();
        assertThat(s.identity().timezone()).isEqualTo("Europe/Paris");
        assertThat(s.identity().tabletBus()).isEqualTo("virtio");
        // The disk serial as the guest saw it (cleaned to QEMU's 20 characters); a derived stable one otherwise.
        assertThat(s.disks().get(0).serial()).isEqualTo("6000C29d-1234-5678-9");
        assertThat(s.disks().get(1).serial()).hasSize(20).isEqualTo(spec("", "").disks().get(1).serial());

        SourceVm plain = new SourceVm("vm-7", "plain", 1, 1, 1, 1L << 30, Firmware.BIOS, false, PowerState.OFF, null, null,
                List.of(), List.of());
        Plan p = plan("", "");
        TargetVmSpec none = TargetSpecBuilder.build(plain, p, p.spec.vms.get(0), null, null, "u1", "m1", false, vsphere()).spec();
        assertThat(none.identity().tpm()).isNull();
        assertThat(none.identity().firmwareUuid()).isNull();
        assertThat(none.identity().timezone()).isNull();
    }

    @Test
    void theOsMapGivesThePreference() throws Exception {
        assertThat(spec("", "").flavor().preference()).isEqualTo("rhel.9");
        SourceVm unknownOs = new SourceVm("vm-8", "odd", 1, 1, 1, 1L << 30, Firmware.BIOS, false, PowerState.OFF, null,
                "plan9Guest", List.of(), List.of());
        Plan p = plan("", "");
        TargetSpecBuilder.Built b = TargetSpecBuilder.build(unknownOs, p, p.spec.vms.get(0), null, null, "u1", "m1", false, vsphere());
        assertThat(b.spec().flavor().preference()).isNull();
        assertThat(b.notes()).extracting(TargetSpecBuilder.Note::conditionType).contains("OsNotMapped");
    }

    @Test
    void winDriveLetterReachesThePvcTemplate() throws Exception {
        TargetVmSpec s = spec("\"pvcNameTemplate\": \"{{.TargetVmName}}-{{if .WinDriveLetter}}{{.WinDriveLetter}}{{else}}d{{.DiskIndex}}{{end}}\"", "");
        assertThat(s.disks()).extracting(TargetDisk::pvcName).containsExactly("web-01-c", "web-01-d1");
    }

    @Test
    void vmLevelTemplatesWinAndKubevirtSourcesGetTheirPvcVariables() throws Exception {
        TargetVmSpec s = spec(
                "\"pvcNameTemplate\": \"plan-{{.DiskIndex}}\", \"volumeNameTemplate\": \"pv-{{.VolumeIndex}}\", "
                        + "\"networkNameTemplate\": \"pn-{{.NetworkIndex}}\"",
                "\"pvcNameTemplate\": \"vm-{{.DiskIndex}}\", \"volumeNameTemplate\": \"v-{{.VolumeIndex}}\", "
                        + "\"networkNameTemplate\": \"n-{{.NetworkIndex}}\"");
        assertThat(s.disks()).extracting(TargetDisk::pvcName).containsExactly("vm-0", "vm-1");
        assertThat(s.disks()).extracting(TargetDisk::volumeName).containsExactly("v-0", "v-1");
        assertThat(s.nics().get(0).name()).isEqualTo("n-0");
        assertThat(spec("\"volumeNameTemplate\": \"pv-{{.VolumeIndex}}\"", "").disks().get(1).volumeName()).isEqualTo("pv-1");

        Plan p = plan("\"pvcNameTemplate\": \"{{.SourcePVCNamespace}}-{{.SourcePVCName}}\"", "\"namespace\": \"src\"");
        TargetSpecBuilder.Context openshift = new TargetSpecBuilder.Context("prov-uid", Provider.TYPE_OPENSHIFT, Map.of(),
                null, null, Set.of());
        assertThat(build(p, openshift).spec().disks()).extracting(TargetDisk::pvcName).containsExactly("src-2000", "src-2001");
    }
}
