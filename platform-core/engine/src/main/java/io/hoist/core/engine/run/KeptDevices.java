package io.hoist.core.engine.run;

import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The disk bus and NIC models a target keeps from a source whose guests already run on KVM
 * ({@link io.hoist.api.provider.KeepsGuestDevices}), as MTV's OpenStack builder maps {@code hw_disk_bus} and
 * {@code hw_vif_model}: KubeVirt's q35 machines have no IDE, so {@code ide} becomes {@code sata}; VMware's model
 * names become their KVM twins. A value KubeVirt has no device for becomes virtio with a note naming it (MTV does
 * that silently).
 */
final class KeptDevices {
    private static final Map<String, String> BUSES = Map.of("virtio", "virtio", "scsi", "scsi", "sata", "sata", "ide", "sata");
    private static final Map<String, String> NIC_MODELS = Map.ofEntries(
            Map.entry("virtio", "virtio"), Map.entry("e1000", "e1000"), Map.entry("e1000e", "e1000e"),
            Map.entry("ne2k_pci", "ne2k_pci"), Map.entry("pcnet", "pcnet"), Map.entry("rtl8139", "rtl8139"),
            Map.entry("virtuale1000", "e1000"), Map.entry("virtuale1000e", "e1000e"), Map.entry("virtualpcnet32", "pcnet"));

    private KeptDevices() {}

    /** One bus for all the VM's disks (a KubeVirt VM spec has one here): the boot disk's, else the first disk's. */
    static String diskBus(SourceVm vm, List<TargetSpecBuilder.Note> notes) {
        List<SourceDisk> disks = vm.disks().stream().filter(d -> !d.external()).toList();
        if (disks.isEmpty()) {
            return "virtio";
        }
        SourceDisk boot = disks.get(0);
        for (SourceDisk d : disks) {
            if (d.bootOrder() > 0 && (boot.bootOrder() <= 0 || d.bootOrder() < boot.bootOrder())) {
                boot = d;
            }
        }
        return kept(boot.bus(), BUSES, vm, "DiskBusNotKept", "disk bus", "its disks", notes);
    }

    static String nicModel(SourceVm vm, SourceNic nic, List<TargetSpecBuilder.Note> notes) {
        return kept(nic.model(), NIC_MODELS, vm, "NicModelNotKept", "NIC model", "its NICs", notes);
    }

    /** The KubeVirt device for the source's value; none named is virtio (Nova's default too). */
    private static String kept(String value, Map<String, String> devices, SourceVm vm, String noteType, String what,
                               String whose, List<TargetSpecBuilder.Note> notes) {
        if (value == null || value.isBlank()) {
            return "virtio";
        }
        String kept = devices.get(value.trim().toLowerCase(Locale.ROOT));
        if (kept == null) {
            note(notes, new TargetSpecBuilder.Note(noteType, "VM " + vm.name() + " uses " + what + " '" + value
                    + "', which a KubeVirt VM does not have; " + whose + " use virtio"));
            return "virtio";
        }
        return kept;
    }

    private static void note(List<TargetSpecBuilder.Note> notes, TargetSpecBuilder.Note note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }
}
