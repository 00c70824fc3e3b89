package io.hoist.plugin.kubevirt.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import io.hoist.plugin.kubevirt.testing.KubevirtSchemas;
import io.hoist.plugin.kubevirt.testing.TargetSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the target VM carries beyond CPU, memory, disks and NICs (issue 13 items 2-4): placement, identity, flavor and
 * shared disks, rendered as MTV renders them, and every manifest valid against the shared KubeVirt schemas.
 */
class ManifestFidelityTest {
    private static final long GI = TargetSpecs.GI;

    static TargetVmSpec spec(TargetVmSpec.Placement placement, TargetVmSpec.Identity identity, TargetVmSpec.Flavor flavor,
                             List<TargetDisk> disks) {
        return new TargetVmSpec("prod", "web-01", "vm-42", "Web 01", 2, 2, 1, 4 * GI, Firmware.EFI, true, true, "Skylake-Server",
                "virtio", "Always", disks, List.of(new TargetNic("net-0", "00:50:56:aa:bb:01", "pod", null, "virtio")),
                Map.of("plan", "p-uid", "vmID", "vm-42"), Map.of(), null, placement, identity, flavor);
    }

    static List<TargetDisk> disks() {
        return List.of(new TargetDisk("2000", "web-01-disk-0", false, "vol-0", 10 * GI, "fast", null, "Filesystem", 0,
                        "6000C29d12345678", null, false),
                new TargetDisk("2001", "web-01-disk-1", false, "vol-1", 2 * GI, "fast", null, "Block", 1, null,
                        "prov/[ds1] cluster/quorum.vmdk", false));
    }

    static Map<String, Object> render(ManifestBuilder b, TargetVmSpec spec, ManifestBuilder.Kinds kinds) {
        List<AllocatedDisk> allocated = spec.disks().stream().map(d -> new AllocatedDisk(d, d.pvcName())).toList();
        Map<String, Object> vm = b.virtualMachine(spec, allocated, AllocatedDisk::handle, kinds);
        assertThat(KubevirtSchemas.errors(vm)).as("VirtualMachine valid against the shared schema").isEmpty();
        return vm;
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object m, String path) {
        Object cur = m;
        for (String part : path.split("\\.")) {
            cur = cur instanceof List<?> l ? l.get(Integer.parseInt(part)) : ((Map<String, Object>) cur).get(part);
        }
        return (T) cur;
    }

    @Test
    void identityPlacementAndSharedDisksAreRendered() {
        Map<String, Object> affinity = Map.of("podAntiAffinity", Map.of("requiredDuringSchedulingIgnoredDuringExecution",
                List.of(Map.of("labelSelector", Map.of("matchLabels", Map.of("team", "web")), "topologyKey", "kubernetes.io/hostname"))));
        TargetVmSpec s = spec(new TargetVmSpec.Placement(Map.of("zone", "a"), affinity, Map.of("team", "web", "app", "web-01")),
                new TargetVmSpec.Identity("VMware-42 23 fa 5e 1c 1b 4c d5-8f 4c 3a 6e 0f 3d 1e 2a",
                        "4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a", true, "Europe/Paris", "virtio", true),
                new TargetVmSpec.Flavor(null, "rhel.9", "rhel.9"), disks());
        Map<String, Object> vm = render(new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1), s,
                ManifestBuilder.Kinds.CLUSTER);

        assertThat((Map<String, Object>) at(vm, "spec.template.spec.nodeSelector")).containsEntry("zone", "a");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.affinity")).containsKey("podAntiAffinity");
        assertThat((Map<String, Object>) at(vm, "spec.template.metadata.labels")).containsEntry("team", "web")
                .containsEntry("app", "web-01");
        assertThat((String) at(vm, "spec.template.spec.domain.firmware.serial")).startsWith("VMware-42 23");
        assertThat((String) at(vm, "spec.template.spec.domain.firmware.uuid")).isEqualTo("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.devices.tpm")).containsEntry("persistent", true);
        assertThat((String) at(vm, "spec.template.spec.domain.clock.timezone")).isEqualTo("Europe/Paris");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.inputs.0.type")).isEqualTo("tablet");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.inputs.0.bus")).isEqualTo("virtio");
        assertThat((List<Map<String, Object>>) at(vm, "spec.template.spec.domain.cpu.features"))
                .extracting(f -> f.get("name") + "=" + f.get("policy")).containsExactly("vmx=optional", "svm=optional");
        assertThat((String) at(vm, "spec.preference.name")).isEqualTo("rhel.9");
        assertThat((String) at(vm, "spec.preference.kind")).isEqualTo("VirtualMachineClusterPreference");
        assertThat(((Map<String, Object>) at(vm, "spec.template.metadata.annotations"))).containsEntry("vm.kubevirt.io/os", "rhel.9");
        // disks: the source's serial, the root disk boots, the shared one is shareable without host cache
        assertThat((String) at(vm, "spec.template.spec.domain.devices.disks.0.serial")).isEqualTo("6000C29d12345678");
        assertThat((Integer) at(vm, "spec.template.spec.domain.devices.disks.1.bootOrder")).isEqualTo(1);
        assertThat((Boolean) at(vm, "spec.template.spec.domain.devices.disks.1.shareable")).isTrue();
        assertThat((String) at(vm, "spec.template.spec.domain.devices.disks.1.cache")).isEqualTo("none");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.devices.disks.0")).doesNotContainKey("shareable");

        // nothing said, nothing rendered: no TPM, no clock, no nested-virt features, no placement
        Map<String, Object> plain = render(new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1),
                spec(null, null, null, disks()), ManifestBuilder.Kinds.CLUSTER);
        assertThat((Map<String, Object>) at(plain, "spec.template.spec.domain.devices")).doesNotContainKey("tpm");
        assertThat((Map<String, Object>) at(plain, "spec.template.spec.domain")).doesNotContainKey("clock");
        assertThat((Map<String, Object>) at(plain, "spec.template.spec.domain.cpu")).doesNotContainKey("features");
        assertThat((Map<String, Object>) at(plain, "spec.template.spec")).doesNotContainKeys("nodeSelector", "affinity");
        assertThat((Map<String, Object>) at(plain, "spec")).doesNotContainKeys("preference", "instancetype");
    }

    @Test
    void anInstanceTypeSetsCpuAndMemoryInsteadOfTheVm() {
        TargetVmSpec s = spec(null, new TargetVmSpec.Identity(null, null, null, null, null, false),
                new TargetVmSpec.Flavor("u1.medium", null, null), disks());
        Map<String, Object> vm = render(new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1), s,
                new ManifestBuilder.Kinds("VirtualMachineInstancetype", null));
        assertThat((String) at(vm, "spec.instancetype.name")).isEqualTo("u1.medium");
        assertThat((String) at(vm, "spec.instancetype.kind")).isEqualTo("VirtualMachineInstancetype");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain")).doesNotContainKeys("cpu", "memory");

        // nested virtualization off without an instance type hides vmx/svm
        Map<String, Object> off = render(new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1),
                spec(null, new TargetVmSpec.Identity(null, null, null, null, null, false), null, disks()), ManifestBuilder.Kinds.CLUSTER);
        assertThat((List<Map<String, Object>>) at(off, "spec.template.spec.domain.cpu.features"))
                .extracting(f -> f.get("policy")).containsOnly("disable");
    }

    @Test
    void blockVolumesGetControllerBlockOverheadAndSharedDisksTheirLabel() {
        ManifestBuilder b = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_PVC, 0.1,
                ManifestBuilder.blockOverheadFromSetting("1Gi"));
        TargetVmSpec s = spec(null, null, null, disks());
        assertThat(b.requestedSize(s.disks().get(1))).isEqualTo(3 * GI);
        assertThat(new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_PVC, 0.1).requestedSize(s.disks().get(1))).isEqualTo(2 * GI);
        Map<String, Object> dv = b.diskObject(s, s.disks().get(1), "web-01-disk-1");
        assertThat(KubevirtSchemas.errors(dv)).isEmpty();
        assertThat((Map<String, Object>) at(dv, "metadata.labels")).containsKey(Labels.SHARED_DISK);
        assertThat((Map<String, Object>) at(b.diskObject(s, s.disks().get(0), "web-01-disk-0"), "metadata.labels"))
                .doesNotContainKey(Labels.SHARED_DISK);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestBuilder.blockOverheadFromSetting("lots"))
                .hasMessageContaining("controller_block_overhead");
    }

    @Test
    void macConflictsNameTheDestinationVm() {
        TargetVmSpec s = spec(null, null, null, disks());
        Map<String, Object> other = Map.of("spec", Map.of("template", Map.of("spec", Map.of("domain", Map.of("devices",
                Map.of("interfaces", List.of(Map.of("name", "n", "macAddress", "00:50:56:AA:BB:01"))))))));
        assertThat(MacConflicts.find(s, Map.of("prod/db-01", other), null)).hasValueSatisfying(c -> {
            assertThat(c.type()).isEqualTo("MacConflicts");
            assertThat(c.message()).contains("prod/db-01", "00:50:56:aa:bb:01");
        });
        assertThat(MacConflicts.find(s, Map.of("prod/web-01", other), "prod/web-01")).isEmpty(); // its own VM, adopted
        assertThat(MacConflicts.find(s, Map.of(), null)).isEmpty();
    }
}
