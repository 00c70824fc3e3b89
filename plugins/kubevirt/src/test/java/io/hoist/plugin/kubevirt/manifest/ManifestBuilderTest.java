package io.hoist.plugin.kubevirt.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.plugin.kubevirt.testing.KubevirtSchemas;
import io.hoist.plugin.kubevirt.testing.TargetSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ManifestBuilderTest {
    private static final long GI = TargetSpecs.GI;

    private static List<AllocatedDisk> allocate(TargetVmSpec spec) {
        return spec.disks().stream().map(d -> new AllocatedDisk(d, ManifestBuilder.stableGeneratedName(spec, d))).toList();
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> m, String path) {
        Object cur = m;
        for (String part : path.split("\\.")) {
            if (cur instanceof List<?> l) {
                cur = l.get(Integer.parseInt(part));
            } else {
                cur = ((Map<String, Object>) cur).get(part);
            }
        }
        return (T) cur;
    }

    @Test
    void vmCarriesCpuMemoryFirmwareMacsNetworksAndVolumesFromTheSpec() {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        Map<String, Object> vm = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1)
                .virtualMachine(spec, allocate(spec), AllocatedDisk::handle);

        assertThat(KubevirtSchemas.errors(vm)).isEmpty();
        assertThat((String) at(vm, "metadata.name")).isEqualTo("web-01");
        assertThat((String) at(vm, "metadata.namespace")).isEqualTo("prod");
        assertThat((Map<String, Object>) at(vm, "metadata.labels"))
                .containsEntry("plan", "plan-uid-1").containsEntry("migration", "mig-uid-1").containsEntry("vmID", "vm-42");
        assertThat((Map<String, Object>) at(vm, "metadata.annotations"))
                .containsEntry("forklift.konveyor.io/source-vm-name", "Web Server 01")
                .containsEntry(Labels.SOURCE_VM_ANNOTATION, "vm-42")
                .doesNotContainKey(Labels.MULTUS_NETWORKS);
        assertThat((String) at(vm, "spec.runStrategy")).isEqualTo("Always");
        assertThat((Integer) at(vm, "spec.template.spec.domain.cpu.sockets")).isEqualTo(2);
        assertThat((Integer) at(vm, "spec.template.spec.domain.cpu.cores")).isEqualTo(4);
        assertThat((Integer) at(vm, "spec.template.spec.domain.cpu.threads")).isEqualTo(1);
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.cpu")).doesNotContainKey("model");
        assertThat((String) at(vm, "spec.template.spec.domain.memory.guest")).isEqualTo("8Gi");
        assertThat((Boolean) at(vm, "spec.template.spec.domain.firmware.bootloader.efi.secureBoot")).isTrue();
        assertThat((Boolean) at(vm, "spec.template.spec.domain.features.smm.enabled")).isTrue();

        assertThat((String) at(vm, "spec.template.spec.domain.devices.interfaces.0.macAddress")).isEqualTo("00:50:56:aa:bb:01");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.devices.interfaces.0")).containsKey("masquerade");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.interfaces.1.macAddress")).isEqualTo("00:50:56:aa:bb:02");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.devices.interfaces.1")).containsKey("bridge");
        assertThat((String) at(vm, "spec.template.spec.networks.0.name")).isEqualTo("net-0");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.networks.0")).containsKey("pod");
        assertThat((String) at(vm, "spec.template.spec.networks.1.multus.networkName")).isEqualTo("vlans/vlan-100");

        assertThat((String) at(vm, "spec.template.spec.domain.devices.disks.0.name")).isEqualTo("disk0");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.disks.0.disk.bus")).isEqualTo("virtio");
        assertThat((Integer) at(vm, "spec.template.spec.domain.devices.disks.0.bootOrder")).isEqualTo(1);
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.devices.disks.1")).doesNotContainKey("bootOrder");
        assertThat((String) at(vm, "spec.template.spec.volumes.0.name")).isEqualTo("disk0");
        assertThat((String) at(vm, "spec.template.spec.volumes.0.dataVolume.name")).isEqualTo("web-01-disk-0");
        assertThat((String) at(vm, "spec.template.spec.volumes.1.dataVolume.name")).isEqualTo("web-01-disk-1");
    }

    @Test
    void compatibilityModeUsesSataDisksE1000eNicsBiosAndKeepsTheCpuModel() {
        TargetVmSpec spec = TargetSpecs.biosCompatVm("legacy", "old-db", "vm-7");
        Map<String, Object> vm = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1)
                .virtualMachine(spec, allocate(spec), AllocatedDisk::handle);

        assertThat(KubevirtSchemas.errors(vm)).isEmpty();
        assertThat((String) at(vm, "spec.runStrategy")).isEqualTo("Halted");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.disks.0.disk.bus")).isEqualTo("sata");
        assertThat((String) at(vm, "spec.template.spec.domain.devices.interfaces.0.model")).isEqualTo("e1000e");
        assertThat((String) at(vm, "spec.template.spec.domain.cpu.model")).isEqualTo("Cascadelake-Server");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain.firmware.bootloader")).containsOnlyKeys("bios");
        assertThat((Map<String, Object>) at(vm, "spec.template.spec.domain")).doesNotContainKey("features");
        String dvName = at(vm, "spec.template.spec.volumes.0.dataVolume.name");
        assertThat(dvName).startsWith("old-db-").hasSize("old-db-".length() + 5)
                .isEqualTo(ManifestBuilder.stableGeneratedName(spec, spec.disks().get(0)));
    }

    @ParameterizedTest
    @EnumSource(value = ManifestBuilder.DiskApi.class, names = {"DATAVOLUME_STORAGE", "DATAVOLUME_PVC"})
    void dataVolumesValidateAndCarryStorageMapAndUploadSource(ManifestBuilder.DiskApi api) {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        ManifestBuilder builder = new ManifestBuilder(api, 0.1);
        String key = api == ManifestBuilder.DiskApi.DATAVOLUME_PVC ? "pvc" : "storage";
        for (TargetDisk disk : spec.disks()) {
            Map<String, Object> dv = builder.diskObject(spec, disk, disk.pvcName());
            assertThat(KubevirtSchemas.errors(dv)).isEmpty();
            assertThat((Map<String, Object>) at(dv, "spec.source")).containsOnlyKeys("upload");
            assertThat((String) at(dv, "spec." + key + ".storageClassName")).isEqualTo("fast-rbd");
            assertThat((Map<String, Object>) at(dv, "metadata.labels"))
                    .containsEntry(Labels.SOURCE_DISK, disk.sourceDiskId()).containsEntry("plan", "plan-uid-1");
            assertThat((Map<String, Object>) at(dv, "metadata.annotations"))
                    .containsEntry(Labels.MULTUS_NETWORKS, "vlans/transfer");
        }
        Map<String, Object> first = builder.diskObject(spec, spec.disks().get(0), "x");
        assertThat((List<String>) at(first, "spec." + key + ".accessModes")).containsExactly("ReadWriteOnce");
        assertThat((String) at(first, "spec." + key + ".volumeMode")).isEqualTo("Filesystem");
        Map<String, Object> second = builder.diskObject(spec, spec.disks().get(1), "y");
        assertThat((Map<String, Object>) at(second, "spec." + key)).doesNotContainKeys("accessModes", "volumeMode");
    }

    @Test
    void filesystemOverheadOnlyWhereCdiDoesNotAddItAndNeverForBlock() {
        TargetDisk fs = new TargetDisk("d", "pvc", false, "v", 10 * GI, "sc", null, "Filesystem", 0);
        TargetDisk block = new TargetDisk("d", "pvc", false, "v", 10 * GI, "sc", null, "Block", 0);
        ManifestBuilder storage = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1);
        ManifestBuilder pvc = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_PVC, 0.1);
        ManifestBuilder plain = new ManifestBuilder(ManifestBuilder.DiskApi.PVC, 0.1);
        assertThat(storage.requestedSize(fs)).isEqualTo(10 * GI);
        // 10Gi / 0.9, rounded up to MiB: usable space after CDI's 10% still holds the whole image.
        long expected = Quantities.roundUpToMi((long) Math.ceil(10.0 * GI / 0.9));
        assertThat(pvc.requestedSize(fs)).isEqualTo(expected).isGreaterThan(11 * GI);
        assertThat(plain.requestedSize(fs)).isEqualTo(expected);
        assertThat(pvc.requestedSize(block)).isEqualTo(10 * GI);
        assertThat(plain.requestedSize(block)).isEqualTo(10 * GI);
        assertThat(Quantities.bytes(10 * GI)).isEqualTo("10Gi");
        assertThat(Quantities.bytes(3 * GI + 12345)).isEqualTo(Long.toString(3 * GI + 12345));
    }

    @Test
    void overheadSettingIsAPercentageAsInMtv() {
        assertThat(ManifestBuilder.overheadFromSetting(null)).isEqualTo(0.10);
        assertThat(ManifestBuilder.overheadFromSetting("5")).isEqualTo(0.05);
        assertThat(ManifestBuilder.overheadFromSetting("0.2")).isEqualTo(0.2);
        assertThatThrownBy(() -> ManifestBuilder.overheadFromSetting("ten"))
                .hasMessageContaining("controller_filesystem_overhead").hasMessageContaining("not a number");
        assertThatThrownBy(() -> ManifestBuilder.overheadFromSetting("150"))
                .hasMessageContaining("controller_filesystem_overhead");
    }

    @Test
    void plainPvcIsAnUploadTargetWithAnAccessMode() {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        ManifestBuilder builder = new ManifestBuilder(ManifestBuilder.DiskApi.PVC, 0.1);
        Map<String, Object> pvc = builder.diskObject(spec, spec.disks().get(1), "web-01-disk-1");
        assertThat((String) at(pvc, "kind")).isEqualTo("PersistentVolumeClaim");
        assertThat((Map<String, Object>) at(pvc, "metadata.annotations")).containsKey("cdi.kubevirt.io/storage.upload.target");
        assertThat((List<String>) at(pvc, "spec.accessModes")).containsExactly("ReadWriteOnce");
        Map<String, Object> vm = builder.virtualMachine(spec, allocate(spec), AllocatedDisk::handle);
        assertThat(KubevirtSchemas.errors(vm)).isEmpty();
        assertThat((String) at(vm, "spec.template.spec.volumes.1.persistentVolumeClaim.claimName")).isEqualTo("web-01-disk-1");
    }

    @Test
    void generateNameDiskGetsGenerateNameWhenNoConcreteNameIsGiven() {
        TargetVmSpec spec = TargetSpecs.biosCompatVm("legacy", "old-db", "vm-7");
        Map<String, Object> dv = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1).diskObject(spec, spec.disks().get(0), null);
        assertThat((Map<String, Object>) at(dv, "metadata")).doesNotContainKey("name").containsEntry("generateName", "old-db-");
        assertThat(KubevirtSchemas.errors(dv)).isEmpty();
    }

    @Test
    void theSchemaCheckCatchesAMisspeltField() {
        TargetVmSpec spec = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        Map<String, Object> vm = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1)
                .virtualMachine(spec, allocate(spec), AllocatedDisk::handle);
        Map<String, Object> cpu = at(vm, "spec.template.spec.domain.cpu");
        cpu.put("socket", 2);
        assertThat(KubevirtSchemas.errors(vm)).anyMatch(e -> e.contains("socket"));
    }

    @Test
    void badInputNamesTheField() {
        TargetVmSpec good = TargetSpecs.efiVm("prod", "web-01", "vm-42");
        ManifestBuilder b = new ManifestBuilder(ManifestBuilder.DiskApi.DATAVOLUME_STORAGE, 0.1);
        assertThatThrownBy(() -> b.validate(withName(good, "Web_01"))).isInstanceOf(HoistException.class)
                .hasMessageStartingWith("name: 'Web_01'");
        List<TargetNic> nics = new ArrayList<>(good.nics());
        nics.set(1, new TargetNic("net-1", "00:50:56:zz:bb:02", "multus", "vlans/vlan-100", "virtio"));
        assertThatThrownBy(() -> b.validate(withNics(good, nics))).hasMessageStartingWith("nics[1].mac:");
        nics.set(1, new TargetNic("net-1", "00:50:56:aa:bb:03", "pod", null, "virtio"));
        assertThatThrownBy(() -> b.validate(withNics(good, nics))).hasMessageContaining("one pod network");
        List<TargetDisk> disks = new ArrayList<>(good.disks());
        disks.set(1, new TargetDisk("disk-2001", "web-01-disk-1", false, "disk0", GI, null, null, null, 0));
        assertThatThrownBy(() -> b.validate(withDisks(good, disks))).hasMessageStartingWith("disks[1].volumeName:");
        disks.set(1, new TargetDisk("disk-2001", "web-01-disk-1", false, "disk1", GI, null, "ReadWriteAlways", null, 0));
        assertThatThrownBy(() -> b.validate(withDisks(good, disks))).hasMessageStartingWith("disks[1].accessMode:");
    }

    private static TargetVmSpec withName(TargetVmSpec s, String name) {
        return new TargetVmSpec(s.namespace(), name, s.sourceVmId(), s.sourceVmName(), s.sockets(), s.cores(), s.threads(),
                s.memoryBytes(), s.firmware(), s.secureBoot(), s.preserveCpuModel(), s.cpuModel(), s.diskBus(), s.runStrategy(),
                s.disks(), s.nics(), s.labels(), s.annotations(), s.transferNetwork());
    }

    private static TargetVmSpec withNics(TargetVmSpec s, List<TargetNic> nics) {
        return new TargetVmSpec(s.namespace(), s.name(), s.sourceVmId(), s.sourceVmName(), s.sockets(), s.cores(), s.threads(),
                s.memoryBytes(), s.firmware(), s.secureBoot(), s.preserveCpuModel(), s.cpuModel(), s.diskBus(), s.runStrategy(),
                s.disks(), nics, s.labels(), s.annotations(), s.transferNetwork());
    }

    private static TargetVmSpec withDisks(TargetVmSpec s, List<TargetDisk> disks) {
        return new TargetVmSpec(s.namespace(), s.name(), s.sourceVmId(), s.sourceVmName(), s.sockets(), s.cores(), s.threads(),
                s.memoryBytes(), s.firmware(), s.secureBoot(), s.preserveCpuModel(), s.cpuModel(), s.diskBus(), s.runStrategy(),
                disks, s.nics(), s.labels(), s.annotations(), s.transferNetwork());
    }

}
