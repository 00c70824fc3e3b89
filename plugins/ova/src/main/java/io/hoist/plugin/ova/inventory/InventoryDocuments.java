package io.hoist.plugin.ova.inventory;

import io.hoist.plugin.ova.ovf.OvfEnvelope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The published inventory documents, in MTV's OVA field names (forklift's {@code web/ova} VM, Disk and
 * Network resources) so MTV's OVA validation rules and users' tooling read them unchanged:
 * {@code cpuAffinity}, {@code cpuHotAddEnabled}, {@code cpuHotRemoveEnabled}, {@code memoryHotAddEnabled},
 * {@code disks[].capacity}, {@code firmware}, {@code name} and the export source, published both as MTV's
 * {@code ovaSource} and as {@code exportSource}.
 */
public final class InventoryDocuments {
    /** MTV's name of the one storage an OVA provider has; StorageMaps name it this way. */
    public static final String STORAGE_NAME_PREFIX = "Dummy storage for source provider ";

    private InventoryDocuments() {}

    public static String storageName(String providerName) {
        return STORAGE_NAME_PREFIX + providerName;
    }

    /** The full VM document: {@code /vms/{id}} and, unchanged, the workload {@code /workloads/{id}}. */
    public static Map<String, Object> vm(OvaVm vm) {
        OvfEnvelope.VirtualSystem s = vm.system();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", vm.id());
        d.put("name", vm.name());
        // MTV's uuid: the OVF VirtualSystem id when it is a UUID, so plans written for MTV find the VM.
        d.put("uuid", StableIds.isUuid(s.id()) ? s.id() : vm.id());
        d.put("ovaPath", vm.pkg().relativePath());
        d.put("ovaSource", vm.exportSource());
        d.put("exportSource", vm.exportSource());
        d.put("ovfId", s.id());
        d.put("osType", s.osType());
        d.put("guestName", s.osDescription());
        d.put("hardwareVersion", s.hardwareVersion());
        d.put("powerState", "poweredOff");
        d.put("firmware", s.firmware());
        d.put("secureBoot", s.secureBoot());
        d.put("cpuAffinity", s.cpuAffinity());
        d.put("cpuHotAddEnabled", s.cpuHotAddEnabled());
        d.put("cpuHotRemoveEnabled", s.cpuHotRemoveEnabled());
        d.put("memoryHotAddEnabled", s.memoryHotAddEnabled());
        d.put("faultToleranceEnabled", false);
        d.put("changeTrackingEnabled", false);
        d.put("cpuCount", s.cpuCount());
        d.put("coresPerSocket", s.coresPerSocket());
        d.put("memoryMB", s.memoryBytes() >> 20);
        d.put("memoryUnits", "byte * 2^20");
        d.put("balloonedMemory", 0);
        d.put("ipAddress", "");
        d.put("numaNodeAffinity", List.of());
        d.put("storageUsed", vm.disks().stream().mapToLong(x -> Math.max(0, x.fileSize())).sum());
        d.put("devices", List.of());
        List<Map<String, Object>> nics = new ArrayList<>();
        for (OvfEnvelope.Nic n : s.nics()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("mac", n.mac());
            m.put("network", n.network());
            m.put("model", n.model());
            nics.add(m);
        }
        d.put("nics", nics);
        d.put("disks", vm.disks().stream().map(x -> disk(vm, x)).toList());
        List<Map<String, Object>> networks = new ArrayList<>();
        for (String name : networkNames(vm)) {
            networks.add(Map.of("kind", "Network", "id", StableIds.network(name), "name", name));
        }
        d.put("networks", networks);
        d.put("config", s.config());
        return d;
    }

    /** A disk: {@code /disks/{id}} and an element of the VM's {@code disks}. */
    public static Map<String, Object> disk(OvaVm vm, OvaVm.Disk x) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", x.id());
        d.put("name", x.name());
        d.put("vm", vm.id());
        d.put("diskId", x.diskId());
        d.put("file", x.href());
        d.put("filePath", x.href() == null ? null : vm.pkg().relativePath() + "/" + x.href());
        d.put("capacity", x.capacity());
        d.put("capacityAllocationUnits", x.capacityAllocationUnits());
        d.put("format", x.format());
        d.put("populatedSize", x.populatedSize());
        d.put("fileSize", x.fileSize());
        d.put("bus", x.bus());
        d.put("shared", false);
        if (x.unsupported() != null) {
            d.put("unsupported", x.unsupported());
        }
        return d;
    }

    public static Map<String, Object> network(String name, String description) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", StableIds.network(name));
        d.put("name", name);
        d.put("description", description == null ? "" : description);
        return d;
    }

    /**
     * The provider's single storage. Its id is its name, because StorageMaps name it; MTV's id for it, the
     * provider's UID, is kept as {@code providerUid}.
     */
    public static Map<String, Object> storage(String providerUid, String providerName) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", storageName(providerName));
        d.put("name", storageName(providerName));
        d.put("providerUid", providerUid);
        return d;
    }

    /** Networks a VM's NICs attach to, in NIC order, without repeats. */
    static List<String> networkNames(OvaVm vm) {
        List<String> out = new ArrayList<>();
        for (OvfEnvelope.Nic n : vm.system().nics()) {
            if (n.network() != null && !n.network().isBlank() && !out.contains(n.network())) {
                out.add(n.network());
            }
        }
        return out;
    }
}
