package io.hoist.plugin.kubevirt.inventory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.hoist.api.HoistException;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads a KubeVirt VirtualMachine object into the engine's provider-neutral {@link SourceVm}.
 * Disk ids are the claim names (PVC = DataVolume name), so they stay stable; the storage id the
 * StorageMap maps is the claim's storage class; networks are {@code pod} or a NetworkAttachmentDefinition.
 */
public final class SourceVmReader {
    private SourceVmReader() {}

    /** {@code claims} looks a PVC up by namespace and name (null when missing). */
    public static SourceVm read(GenericKubernetesResource vm, BiFunction<String, String, PersistentVolumeClaim> claims,
                         BiFunction<String, String, String> networkUid) {
        String namespace = vm.getMetadata().getNamespace();
        Map<String, Object> domain = map(vm.get("spec", "template", "spec", "domain"));
        Map<String, Object> cpu = map(domain.get("cpu"));
        long memory = memoryBytes(domain);

        Map<String, Object> bootloader = map(map(domain.get("firmware")).get("bootloader"));
        Map<String, Object> efi = bootloader.containsKey("efi") ? map(bootloader.get("efi")) : null;
        Firmware firmware = efi != null ? Firmware.EFI : Firmware.BIOS;
        // KubeVirt defaults secureBoot to true when efi is set.
        boolean secureBoot = efi != null && !Boolean.FALSE.equals(efi.get("secureBoot"));

        Map<String, Object> devices = map(domain.get("devices"));
        List<SourceDisk> disks = new ArrayList<>();
        List<Object> volumes = list(vm.get("spec", "template", "spec", "volumes"));
        for (Object v : volumes) {
            Map<String, Object> volume = map(v);
            String claim = volume.containsKey("dataVolume") ? (String) map(volume.get("dataVolume")).get("name")
                    : volume.containsKey("persistentVolumeClaim") ? (String) map(volume.get("persistentVolumeClaim")).get("claimName") : null;
            if (claim == null) {
                continue; // containerDisk, cloudInit, configMap...: nothing to copy
            }
            PersistentVolumeClaim pvc = claims.apply(namespace, claim);
            if (pvc == null) {
                throw new HoistException(HoistException.Type.USER_ERROR, "DiskNotFound",
                        "VM " + namespace + "/" + vm.getMetadata().getName() + " volume " + volume.get("name") + " refers to missing PVC " + claim);
            }
            Map<String, Object> disk = diskOf(devices, (String) volume.get("name"));
            String bus = disk.containsKey("disk") ? String.valueOf(map(disk.get("disk")).getOrDefault("bus", "virtio")) : "virtio";
            int bootOrder = disk.get("bootOrder") instanceof Number n ? n.intValue() : 0;
            String storageClass = pvc.getSpec().getStorageClassName() == null ? "" : pvc.getSpec().getStorageClassName();
            boolean shared = pvc.getSpec().getAccessModes() != null && pvc.getSpec().getAccessModes().contains("ReadWriteMany")
                    && Boolean.TRUE.equals(disk.get("shareable"));
            disks.add(new SourceDisk(claim, (String) volume.get("name"), capacity(pvc), storageClass, bus, shared, bootOrder));
        }

        // As MTV's inventory: a multus network's id is its NetworkAttachmentDefinition's uid (ns/name when it
        // cannot be read) and its name the NAD's name, so NetworkMap sources by id or by name both match.
        Map<String, String[]> networks = new java.util.HashMap<>();
        for (Object n : list(vm.get("spec", "template", "spec", "networks"))) {
            Map<String, Object> network = map(n);
            String[] idAndName = {"pod", "pod"};
            if (network.containsKey("multus")) {
                String qualified = qualify(namespace, (String) map(network.get("multus")).get("networkName"));
                String[] nsName = qualified.split("/", 2);
                String uid = networkUid.apply(nsName[0], nsName[1]);
                idAndName = new String[] {uid != null ? uid : qualified, nsName[1]};
            }
            networks.put((String) network.get("name"), idAndName);
        }
        List<SourceNic> nics = new ArrayList<>();
        for (Object i : list(devices.get("interfaces"))) {
            Map<String, Object> iface = map(i);
            String name = (String) iface.get("name");
            String[] network = networks.getOrDefault(name, new String[] {"pod", "pod"});
            nics.add(new SourceNic(name, (String) iface.get("macAddress"), network[0], network[1],
                    String.valueOf(iface.getOrDefault("model", "virtio"))));
        }

        return new SourceVm(vm.getMetadata().getUid(), vm.getMetadata().getName(),
                intOr(cpu.get("sockets"), 1), intOr(cpu.get("cores"), 1), intOr(cpu.get("threads"), 1),
                memory, firmware, secureBoot, powerState(vm), null, null, disks, nics);
    }

    public static PowerState powerState(GenericKubernetesResource vm) {
        String printable = vm.get("status", "printableStatus");
        if (printable != null) {
            return switch (printable) {
                case "Running", "Migrating", "Paused" -> PowerState.ON;
                case "Stopped", "Provisioning", "Terminating", "ErrorUnschedulable" -> PowerState.OFF;
                default -> PowerState.UNKNOWN;
            };
        }
        String strategy = vm.get("spec", "runStrategy");
        Object running = vm.get("spec", "running");
        if ("Halted".equals(strategy) || Boolean.FALSE.equals(running)) {
            return PowerState.OFF;
        }
        if ("Always".equals(strategy) || Boolean.TRUE.equals(running)) {
            return PowerState.ON;
        }
        return PowerState.UNKNOWN;
    }

    /** {@code name} in the VM's namespace, or {@code ns/name} as given. */
    public static String qualify(String namespace, String networkName) {
        return networkName.contains("/") ? networkName : namespace + "/" + networkName;
    }

    private static long memoryBytes(Map<String, Object> domain) {
        Object guest = map(domain.get("memory")).get("guest");
        if (guest == null) {
            guest = map(map(domain.get("resources")).get("requests")).get("memory");
        }
        return guest == null ? 0 : Quantity.getAmountInBytes(Quantity.parse(String.valueOf(guest))).longValueExact();
    }

    private static long capacity(PersistentVolumeClaim pvc) {
        Quantity q = pvc.getStatus() != null && pvc.getStatus().getCapacity() != null ? pvc.getStatus().getCapacity().get("storage") : null;
        if (q == null && pvc.getSpec().getResources() != null && pvc.getSpec().getResources().getRequests() != null) {
            q = pvc.getSpec().getResources().getRequests().get("storage");
        }
        return q == null ? 0 : Quantity.getAmountInBytes(q).longValueExact();
    }

    private static Map<String, Object> diskOf(Map<String, Object> devices, String volumeName) {
        for (Object d : list(devices.get("disks"))) {
            if (volumeName.equals(map(d).get("name"))) {
                return map(d);
            }
        }
        return Map.of();
    }

    private static int intOr(Object o, int fallback) {
        return o instanceof Number n ? n.intValue() : fallback;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
