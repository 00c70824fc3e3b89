package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import java.util.List;
import java.util.Map;

/** Target specs as the engine would render them from a plan (names already from the templates). */
public final class TargetSpecs {
    public static final long GI = 1024L * 1024 * 1024;

    private TargetSpecs() {}

    /** EFI + secure boot, two disks, a pod NIC and a multus NIC. */
    public static TargetVmSpec efiVm(String namespace, String name, String sourceVmId) {
        return new TargetVmSpec(namespace, name, sourceVmId, "Web Server 01",
                2, 4, 1, 8 * GI, Firmware.EFI, true, false, null, "virtio", "Always",
                List.of(new TargetDisk("disk-2000", name + "-disk-0", false, "disk0", 10 * GI, "fast-rbd", "ReadWriteOnce", "Filesystem", 1),
                        new TargetDisk("disk-2001", name + "-disk-1", false, "disk1", 3 * GI + 12345, "fast-rbd", null, null, 0)),
                List.of(new TargetNic("net-0", "00:50:56:AA:BB:01", "pod", null, "virtio"),
                        new TargetNic("net-1", "00:50:56:aa:bb:02", "multus", "vlans/vlan-100", "virtio")),
                Map.of("plan", "plan-uid-1", "migration", "mig-uid-1", "vmID", sourceVmId),
                Map.of("forklift.konveyor.io/source-vm-name", "Web Server 01", "k8s.v1.cni.cncf.io/networks", "vlans/transfer"),
                "vlans/transfer");
    }

    /** BIOS, compatibility mode (SATA, e1000e), halted, one small disk with a generated name. */
    public static TargetVmSpec biosCompatVm(String namespace, String name, String sourceVmId) {
        return new TargetVmSpec(namespace, name, sourceVmId, name,
                1, 2, 2, 2 * GI, Firmware.BIOS, false, true, "Cascadelake-Server", "sata", "Halted",
                List.of(new TargetDisk("scsi0:0", name + "-", true, "root", 64L * 1024 * 1024, "standard", "ReadWriteMany", "Block", 1)),
                List.of(new TargetNic("nic0", "52:54:00:12:34:56", "pod", null, "e1000e")),
                Map.of("plan", "plan-uid-2", "vmID", sourceVmId),
                Map.of(),
                null);
    }
}
