package io.hoist.plugin.ovirt.inventory;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.ovirt.engine.sdk4.types.Cluster;
import org.ovirt.engine.sdk4.types.CustomProperty;
import org.ovirt.engine.sdk4.types.DataCenter;
import org.ovirt.engine.sdk4.types.Disk;
import org.ovirt.engine.sdk4.types.DiskAttachment;
import org.ovirt.engine.sdk4.types.DiskProfile;
import org.ovirt.engine.sdk4.types.Host;
import org.ovirt.engine.sdk4.types.HostDevice;
import org.ovirt.engine.sdk4.types.Identified;
import org.ovirt.engine.sdk4.types.LogicalUnit;
import org.ovirt.engine.sdk4.types.Network;
import org.ovirt.engine.sdk4.types.Nic;
import org.ovirt.engine.sdk4.types.NumaNode;
import org.ovirt.engine.sdk4.types.Snapshot;
import org.ovirt.engine.sdk4.types.StorageDomain;
import org.ovirt.engine.sdk4.types.VcpuPin;
import org.ovirt.engine.sdk4.types.Vm;
import org.ovirt.engine.sdk4.types.VnicProfile;
import org.ovirt.engine.sdk4.types.Watchdog;

/**
 * The engine's objects as MTV's oVirt inventory shows them (its field names), so MTV's clients and the
 * {@code io.konveyor.forklift.ovirt} rules read them unchanged. The SDK's typed getters unbox absent values
 * into NullPointerExceptions, so every optional value is read through its {@code ...Present()} check.
 */
public final class Documents {
    private Documents() {}

    public static Map<String, Object> dataCenter(DataCenter dc) {
        Map<String, Object> m = base(dc);
        m.put("status", dc.statusPresent() ? dc.status().value() : "");
        m.put("local", bool(dc::localPresent, dc::local));
        return m;
    }

    public static Map<String, Object> cluster(Cluster c) {
        Map<String, Object> m = base(c);
        m.put("dataCenter", id(c.dataCenter()));
        m.put("haReservation", bool(c::haReservationPresent, c::haReservation));
        m.put("ksmEnabled", c.ksmPresent() && c.ksm().enabledPresent() && c.ksm().enabled());
        m.put("biosType", c.biosTypePresent() ? c.biosType().value() : "");
        m.put("cpu", Map.of("type", c.cpuPresent() && c.cpu().typePresent() ? c.cpu().type() : ""));
        m.put("version", c.versionPresent() ? c.version().major() + "." + c.version().minor() : "");
        return m;
    }

    public static Map<String, Object> host(Host h, Map<String, String> clusterOfHost) {
        Map<String, Object> m = base(h);
        m.put("cluster", id(h.cluster()));
        m.put("status", h.statusPresent() ? h.status().value() : "");
        m.put("address", str(h::addressPresent, h::address));
        m.put("inMaintenance", h.statusPresent() && "maintenance".equals(h.status().value()));
        m.put("productName", h.osPresent() && h.os().typePresent() ? h.os().type() : "");
        m.put("productVersion", h.versionPresent() && h.version().fullVersionPresent() ? h.version().fullVersion() : "");
        m.put("cpuSockets", h.cpuPresent() && h.cpu().topologyPresent() ? num(h.cpu().topology().sockets()) : 0);
        m.put("cpuCores", h.cpuPresent() && h.cpu().topologyPresent() ? num(h.cpu().topology().cores()) : 0);
        m.put("memory", num(h.memory()));
        return m;
    }

    public static Map<String, Object> storageDomain(StorageDomain s) {
        Map<String, Object> m = base(s);
        m.put("dataCenter", s.dataCentersPresent() && !s.dataCenters().isEmpty() ? id(s.dataCenters().get(0)) : id(s.dataCenter()));
        m.put("type", s.typePresent() ? s.type().value() : "");
        m.put("storage", Map.of("type", s.storagePresent() && s.storage().typePresent() ? s.storage().type().value() : ""));
        m.put("available", num(s.available()));
        m.put("used", num(s.used()));
        return m;
    }

    public static Map<String, Object> network(Network n, List<String> profiles) {
        Map<String, Object> m = base(n);
        m.put("dataCenter", id(n.dataCenter()));
        m.put("vlan", n.vlanPresent() && n.vlan().idPresent() ? String.valueOf(n.vlan().id()) : "");
        List<String> usages = new ArrayList<>();
        if (n.usagesPresent()) {
            n.usages().forEach(u -> usages.add(u.value()));
        }
        m.put("usages", usages);
        m.put("profiles", profiles);
        return m;
    }

    public static Map<String, Object> nicProfile(VnicProfile p) {
        Map<String, Object> m = base(p);
        m.put("network", id(p.network()));
        m.put("portMirroring", bool(p::portMirroringPresent, p::portMirroring));
        m.put("networkFilter", p.networkFilterPresent() && p.networkFilter() != null ? nz(p.networkFilter().id()) : "");
        m.put("qos", p.qosPresent() && p.qos() != null ? nz(p.qos().id()) : "");
        m.put("passThrough", p.passThroughPresent() && p.passThrough().modePresent()
                && "enabled".equals(p.passThrough().mode().value()));
        m.put("properties", properties(p.customPropertiesPresent() ? p.customProperties() : List.of()));
        return m;
    }

    public static Map<String, Object> diskProfile(DiskProfile p) {
        Map<String, Object> m = base(p);
        m.put("storageDomain", id(p.storageDomain()));
        m.put("qos", p.qosPresent() && p.qos() != null ? nz(p.qos().id()) : "");
        return m;
    }

    public static Map<String, Object> disk(Disk d) {
        Map<String, Object> m = base(d);
        if (m.get("name").toString().isEmpty() && d.aliasPresent()) {
            m.put("name", d.alias());
        }
        m.put("shared", bool(d::shareablePresent, d::shareable));
        String sd = d.storageDomainsPresent() && !d.storageDomains().isEmpty() ? id(d.storageDomains().get(0)) : id(d.storageDomain());
        m.put("storageDomain", sd);
        m.put("profile", id(d.diskProfile()));
        m.put("storageType", d.storageTypePresent() ? d.storageType().value() : "");
        m.put("status", d.statusPresent() ? d.status().value() : "");
        m.put("actualSize", num(d.actualSize()));
        m.put("provisionedSize", num(d.provisionedSize()));
        m.put("format", d.formatPresent() ? d.format().value() : "");
        m.put("backup", d.backupPresent() ? d.backup().value() : "");
        // the disk-level flag of older engines; MTV reads the attachment's (scsiReservation), which includes it here
        m.put("usesScsiReservation", bool(d::usesScsiReservationPresent, d::usesScsiReservation));
        m.put("lun", lun(d));
        return m;
    }

    /** MTV's {@code lun.logicalUnits.logicalUnit[]} (what its disk capacity rule and LUN handling read). */
    private static Map<String, Object> lun(Disk d) {
        List<Map<String, Object>> units = new ArrayList<>();
        if (d.lunStoragePresent() && d.lunStorage() != null && d.lunStorage().logicalUnitsPresent()) {
            for (LogicalUnit u : d.lunStorage().logicalUnits()) {
                Map<String, Object> lu = new LinkedHashMap<>();
                lu.put("lunId", nz(u.id()));
                lu.put("address", str(u::addressPresent, u::address));
                lu.put("port", u.portPresent() && u.port() != null ? String.valueOf(u.port()) : "");
                lu.put("target", str(u::targetPresent, u::target));
                lu.put("lunMapping", u.lunMappingPresent() && u.lunMapping() != null ? u.lunMapping().longValue() : 0);
                lu.put("size", num(u.size()));
                units.add(lu);
            }
        }
        Map<String, Object> logicalUnits = new LinkedHashMap<>();
        logicalUnits.put("logicalUnit", units);
        Map<String, Object> lun = new LinkedHashMap<>();
        lun.put("logicalUnits", logicalUnits);
        return lun;
    }

    /**
     * A VM in MTV's field names, with its disks and vNIC profiles embedded (the workload document the
     * validation rules read: {@code diskAttachments[].disk}, {@code nics[].profile}).
     *
     * @param raw fields the SDK's 4.4 model does not carry, read from the engine's XML (e.g. cpu_pinning_policy)
     */
    public static Map<String, Object> vm(Vm v, List<Nic> nics, List<DiskAttachment> attachments, List<Snapshot> snapshots,
                                         List<Watchdog> watchdogs, List<HostDevice> hostDevices, List<NumaNode> numaNodes,
                                         Map<String, Map<String, Object>> disks, Map<String, Map<String, Object>> profiles,
                                         Map<String, Object> cluster, Map<String, String> raw) {
        Map<String, Object> m = base(v);
        m.put("cluster", id(v.cluster()));
        m.put("host", v.hostPresent() ? id(v.host()) : "");
        m.put("status", v.statusPresent() ? v.status().value() : "");
        boolean topo = v.cpuPresent() && v.cpu().topologyPresent();
        m.put("cpuSockets", topo ? num(v.cpu().topology().sockets()) : 1);
        m.put("cpuCores", topo ? num(v.cpu().topology().cores()) : 1);
        m.put("cpuThreads", topo ? num(v.cpu().topology().threads()) : 1);
        m.put("cpuShares", num(v.cpuShares()));
        List<Map<String, Object>> affinity = new ArrayList<>();
        if (v.cpuPresent() && v.cpu().cpuTunePresent() && v.cpu().cpuTune().vcpuPinsPresent()) {
            for (VcpuPin p : v.cpu().cpuTune().vcpuPins()) {
                affinity.add(Map.of("vCpu", num(p.vcpu()), "cpuSet", nz(p.cpuSet())));
            }
        }
        m.put("cpuAffinity", affinity);
        String policy = raw.get("cpu_pinning_policy");
        m.put("cpuPinningPolicy", policy != null ? policy : affinity.isEmpty() ? "none" : "manual");
        m.put("customCpuModel", str(v::customCpuModelPresent, v::customCpuModel));
        m.put("memory", num(v.memory()));
        m.put("balloonedMemory", v.memoryPolicyPresent() && v.memoryPolicy().ballooningPresent() && v.memoryPolicy().ballooning());
        m.put("ioThreads", v.ioPresent() ? num(v.io().threads()) : 0);
        String bios = v.biosPresent() && v.bios().typePresent() ? v.bios().type().value() : "";
        if ((bios.isEmpty() || "cluster_default".equals(bios)) && cluster != null) {
            bios = String.valueOf(cluster.getOrDefault("biosType", ""));
        }
        m.put("bios", bios);
        m.put("bootMenuEnabled", v.biosPresent() && v.bios().bootMenuPresent() && v.bios().bootMenu().enabledPresent()
                && v.bios().bootMenu().enabled());
        m.put("display", v.displayPresent() && v.display().typePresent() ? v.display().type().value() : "");
        m.put("hasIllegalImages", bool(v::hasIllegalImagesPresent, v::hasIllegalImages));
        List<String> numa = new ArrayList<>();
        for (NumaNode n : numaNodes) {
            if (n.indexPresent()) {
                numa.add(String.valueOf(n.index()));
            }
        }
        m.put("numaNodeAffinity", numa);
        m.put("numaTuneMode", v.numaTuneModePresent() ? v.numaTuneMode().value() : "");
        m.put("leaseStorageDomain", v.leasePresent() && v.lease().storageDomainPresent() ? id(v.lease().storageDomain()) : "");
        m.put("storageErrorResumeBehaviour", v.storageErrorResumeBehaviourPresent() ? v.storageErrorResumeBehaviour().value() : "");
        m.put("haEnabled", v.highAvailabilityPresent() && v.highAvailability().enabledPresent() && v.highAvailability().enabled());
        m.put("usbEnabled", v.usbPresent() && v.usb().enabledPresent() && v.usb().enabled());
        m.put("placementPolicyAffinity", v.placementPolicyPresent() && v.placementPolicy().affinityPresent()
                ? v.placementPolicy().affinity().value() : "");
        m.put("timezone", v.timeZonePresent() && v.timeZone().namePresent() ? v.timeZone().name() : "");
        m.put("stateless", bool(v::statelessPresent, v::stateless));
        m.put("osType", v.osPresent() && v.os().typePresent() ? v.os().type() : "");
        // Hoist's additions (not in MTV's model): what a target VM cannot be made from
        m.put("origin", str(v::originPresent, v::origin));
        m.put("cpuArchitecture", v.cpuPresent() && v.cpu().architecturePresent() && v.cpu().architecture() != null
                ? v.cpu().architecture().value() : "");
        m.put("guestName", v.guestOperatingSystemPresent() && v.guestOperatingSystem().distributionPresent()
                ? v.guestOperatingSystem().distribution() : "");
        m.put("properties", properties(v.customPropertiesPresent() ? v.customProperties() : List.of()));
        List<Map<String, Object>> snaps = new ArrayList<>();
        for (Snapshot s : snapshots) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("id", nz(s.id()));
            sm.put("description", nz(s.description()));
            sm.put("type", s.snapshotTypePresent() ? s.snapshotType().value() : "");
            sm.put("persistMemory", bool(s::persistMemorystatePresent, s::persistMemorystate));
            snaps.add(sm);
        }
        m.put("snapshots", snaps);
        List<Map<String, Object>> wd = new ArrayList<>();
        for (Watchdog w : watchdogs) {
            wd.add(Map.of("id", nz(w.id()), "action", w.actionPresent() ? w.action().value() : "",
                    "model", w.modelPresent() ? w.model().value() : ""));
        }
        m.put("watchDogs", wd); // MTV's field name (its watchdog rule reads input.watchDogs)
        List<Map<String, Object>> devs = new ArrayList<>();
        for (HostDevice d : hostDevices) {
            devs.add(Map.of("id", nz(d.id()), "capability", str(d::capabilityPresent, d::capability)));
        }
        m.put("hostDevices", devs);
        List<Map<String, Object>> nicDocs = new ArrayList<>();
        List<String> netIds = new ArrayList<>();
        for (Nic n : nics) {
            Map<String, Object> nm = new LinkedHashMap<>();
            nm.put("id", nz(n.id()));
            nm.put("name", nz(n.name()));
            nm.put("interface", n.interface_Present() ? n.interface_().value() : "");
            nm.put("plugged", bool(n::pluggedPresent, n::plugged));
            nm.put("mac", n.macPresent() && n.mac().addressPresent() ? n.mac().address() : "");
            Map<String, Object> profile = n.vnicProfilePresent() ? profiles.get(n.vnicProfile().id()) : null;
            nm.put("profile", profile == null ? emptyProfile() : profile);
            if (profile != null && !String.valueOf(profile.get("network")).isEmpty()) {
                netIds.add(String.valueOf(profile.get("network")));
            }
            nicDocs.add(nm);
        }
        m.put("nics", nicDocs);
        m.put("netIDs", netIds);
        List<Map<String, Object>> atts = new ArrayList<>();
        List<String> diskIds = new ArrayList<>();
        for (DiskAttachment a : attachments) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("id", nz(a.id()));
            am.put("interface", a.interface_Present() ? a.interface_().value() : "");
            String diskId = a.diskPresent() ? a.disk().id() : "";
            Map<String, Object> disk = disks.get(diskId);
            am.put("scsiReservation", bool(a::usesScsiReservationPresent, a::usesScsiReservation)
                    || disk != null && Boolean.TRUE.equals(disk.get("usesScsiReservation")));
            am.put("bootable", bool(a::bootablePresent, a::bootable));
            am.put("active", !a.activePresent() || a.active());
            am.put("disk", disk == null ? Map.of("id", nz(diskId)) : disk);
            atts.add(am);
            diskIds.add(diskId);
        }
        m.put("diskAttachments", atts);
        m.put("diskIDs", diskIds);
        return m;
    }

    private static Map<String, Object> emptyProfile() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", "");
        p.put("network", "");
        p.put("networkFilter", "");
        p.put("passThrough", false);
        p.put("portMirroring", false);
        p.put("qos", "");
        return p;
    }

    private static List<Map<String, Object>> properties(List<CustomProperty> props) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CustomProperty p : props) {
            out.add(Map.of("name", nz(p.name()), "value", nz(p.value())));
        }
        return out;
    }

    static Map<String, Object> base(Identified o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", nz(o.id()));
        m.put("name", nz(o.name()));
        m.put("description", nz(o.description()));
        m.put("selfLink", nz(o.href()));
        return m;
    }

    static String id(Identified o) {
        return o == null || o.id() == null ? "" : o.id();
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    static long num(BigInteger b) {
        return b == null ? 0 : b.longValue();
    }

    static boolean bool(BooleanSupplier present, BooleanSupplier value) {
        return present.getAsBoolean() && value.getAsBoolean();
    }

    static String str(BooleanSupplier present, Supplier<String> value) {
        return present.getAsBoolean() && value.get() != null ? value.get() : "";
    }
}
