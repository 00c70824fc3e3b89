package io.hoist.plugin.vsphere.inventory;

import static io.hoist.plugin.vsphere.soap.TolerantXmlReader.extraField;
import static io.hoist.plugin.vsphere.soap.TolerantXmlReader.wireType;

import com.vmware.vim25.ClusterConfigInfoEx;
import com.vmware.vim25.DVPortgroupConfigInfo;
import com.vmware.vim25.GuestDiskInfo;
import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.GuestNicInfo;
import com.vmware.vim25.GuestStackInfo;
import com.vmware.vim25.HostNetworkInfo;
import com.vmware.vim25.HostPortGroup;
import com.vmware.vim25.HostVirtualNic;
import com.vmware.vim25.HostVirtualSwitch;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.NetIpConfigInfoIpAddress;
import com.vmware.vim25.OptionValue;
import com.vmware.vim25.PhysicalNic;
import com.vmware.vim25.VirtualController;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualDiskFlatVer2BackingInfo;
import com.vmware.vim25.VirtualDiskRawDiskMappingVer1BackingInfo;
import com.vmware.vim25.VirtualEthernetCard;
import com.vmware.vim25.VirtualEthernetCardDistributedVirtualPortBackingInfo;
import com.vmware.vim25.VirtualEthernetCardNetworkBackingInfo;
import com.vmware.vim25.VirtualMachineConfigInfo;
import com.vmware.vim25.VirtualMachineRuntimeInfo;
import com.vmware.vim25.VirtualMachineSnapshotInfo;
import com.vmware.vim25.VirtualNicManagerNetConfig;
import com.vmware.vim25.VirtualSCSIController;
import com.vmware.vim25.VirtualSCSISharing;
import io.hoist.plugin.vsphere.inventory.InventoryModel.Obj;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the published inventory documents from the model, in MTV's field names (the vmware
 * validation rules read these names; see the Inventory service JSON in MTV's docs).
 */
public final class Documents {
    public static final String DATACENTERS = "datacenters";
    public static final String CLUSTERS = "clusters";
    public static final String HOSTS = "hosts";
    public static final String DATASTORES = "datastores";
    public static final String NETWORKS = "networks";
    public static final String FOLDERS = "folders";
    public static final String VMS = "vms";

    private final InventoryModel model;
    private final String providerUid;

    public Documents(InventoryModel model, String providerUid) {
        this.model = model;
        this.providerUid = providerUid;
    }

    /** The collection an object of this vim type is published in, or null when it is not published. */
    public static String collectionOf(String vimType) {
        return switch (vimType) {
            case "Datacenter" -> DATACENTERS;
            case "ClusterComputeResource" -> CLUSTERS;
            case "HostSystem" -> HOSTS;
            case "Datastore" -> DATASTORES;
            case "Network", "DistributedVirtualPortgroup", "OpaqueNetwork", "VmwareDistributedVirtualSwitch",
                 "DistributedVirtualSwitch" -> NETWORKS;
            case "Folder" -> FOLDERS;
            case "VirtualMachine" -> VMS;
            default -> null;
        };
    }

    /** MTV's kind for a reference to an object of this vim type. */
    static String kindOf(String vimType) {
        return switch (vimType) {
            case "ClusterComputeResource", "ComputeResource" -> "Cluster";
            case "HostSystem" -> "Host";
            case "Network", "DistributedVirtualPortgroup", "OpaqueNetwork", "VmwareDistributedVirtualSwitch",
                 "DistributedVirtualSwitch" -> "Network";
            case "VirtualMachine" -> "VM";
            default -> vimType;
        };
    }

    static Map<String, Object> ref(ManagedObjectReference m) {
        if (m == null) {
            return null;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", kindOf(m.getType()));
        r.put("id", m.get_value());
        return r;
    }

    static List<Map<String, Object>> refs(Object morArray) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (morArray instanceof ManagedObjectReference[] a) {
            for (ManagedObjectReference m : a) {
                if (m != null) {
                    out.add(ref(m));
                }
            }
        }
        return out;
    }

    /** The document of any published object. */
    public Map<String, Object> document(Obj o) {
        return switch (o.type()) {
            case "Datacenter" -> datacenter(o);
            case "ClusterComputeResource" -> cluster(o);
            case "HostSystem" -> host(o);
            case "Datastore" -> datastore(o);
            case "Folder" -> folder(o);
            case "VirtualMachine" -> vm(o);
            default -> network(o);
        };
    }

    private Map<String, Object> base(Obj o) {
        Map<String, Object> d = new LinkedHashMap<>();
        String collection = collectionOf(o.type());
        d.put("id", o.id());
        d.put("parent", ref(o.parent()));
        d.put("path", model.path(o));
        d.put("revision", o.revision);
        d.put("name", o.name());
        d.put("selfLink", "providers/vsphere/" + providerUid + "/" + collection + "/" + o.id());
        return d;
    }

    Map<String, Object> datacenter(Obj o) {
        Map<String, Object> d = base(o);
        d.put("clusters", ref((ManagedObjectReference) o.get("hostFolder")));
        d.put("datastores", ref((ManagedObjectReference) o.get("datastoreFolder")));
        d.put("networks", ref((ManagedObjectReference) o.get("networkFolder")));
        d.put("vms", ref((ManagedObjectReference) o.get("vmFolder")));
        return d;
    }

    Map<String, Object> folder(Obj o) {
        Map<String, Object> d = base(o);
        Obj dc = model.datacenterOf(o);
        d.put("datacenter", dc == null ? null : dc.id());
        d.put("children", refs(o.get("childEntity")));
        return d;
    }

    Map<String, Object> cluster(Obj o) {
        Map<String, Object> d = base(o);
        Obj dc = model.datacenterOf(o);
        d.put("folder", o.parent() == null ? null : o.parent().get_value());
        d.put("datacenter", dc == null ? null : dc.id());
        d.put("networks", refs(o.get("network")));
        d.put("datastores", refs(o.get("datastore")));
        d.put("hosts", refs(o.get("host")));
        ClusterConfigInfoEx cfg = o.get("configurationEx") instanceof ClusterConfigInfoEx c ? c : null;
        boolean das = cfg != null && cfg.getDasConfig() != null && Boolean.TRUE.equals(cfg.getDasConfig().getEnabled());
        boolean drs = cfg != null && cfg.getDrsConfig() != null && Boolean.TRUE.equals(cfg.getDrsConfig().getEnabled());
        boolean dpm = cfg != null && cfg.getDpmConfigInfo() != null
                && Boolean.TRUE.equals(cfg.getDpmConfigInfo().getEnabled());
        d.put("dasEnabled", das);
        d.put("dasVms", List.of());
        d.put("drsEnabled", drs);
        d.put("drsBehavior", cfg != null && cfg.getDrsConfig() != null && cfg.getDrsConfig().getDefaultVmBehavior() != null
                ? cfg.getDrsConfig().getDefaultVmBehavior().toString() : "");
        d.put("drsVms", List.of());
        d.put("dpmEnabled", dpm);
        d.put("hostAffinityVms", hostAffinityVms(cfg));
        return d;
    }

    /** The VMs of the VM groups in the cluster's enabled VM-Host rules (MTV's hostAffinityVms), as references. */
    private static List<Map<String, Object>> hostAffinityVms(ClusterConfigInfoEx cfg) {
        if (cfg == null) {
            return List.of();
        }
        Map<String, ManagedObjectReference[]> groups = new java.util.HashMap<>();
        for (com.vmware.vim25.ClusterGroupInfo g : VimSoapClient.list(cfg.getGroup())) {
            if (g instanceof com.vmware.vim25.ClusterVmGroup vg && vg.getVm() != null) {
                groups.put(vg.getName(), vg.getVm());
            }
        }
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (com.vmware.vim25.ClusterRuleInfo r : VimSoapClient.list(cfg.getRule())) {
            if (r instanceof com.vmware.vim25.ClusterVmHostRuleInfo vh && !Boolean.FALSE.equals(vh.getEnabled())
                    && groups.containsKey(vh.getVmGroupName())) {
                for (ManagedObjectReference vm : groups.get(vh.getVmGroupName())) {
                    ids.add(vm.get_value());
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            out.add(Map.of("kind", "VM", "id", id));
        }
        return out;
    }

    Map<String, Object> host(Obj o) {
        Map<String, Object> d = base(o);
        Obj parent = model.get(o.parent());
        d.put("cluster", parent != null && "ClusterComputeResource".equals(parent.type()) ? parent.id() : null);
        d.put("inCluster", parent != null && "ClusterComputeResource".equals(parent.type()));
        d.put("status", String.valueOf(o.get("overallStatus")));
        d.put("inMaintenance", Boolean.TRUE.equals(o.get("runtime.inMaintenanceMode")));
        d.put("connectionState", String.valueOf(o.get("runtime.connectionState")));
        d.put("powerState", String.valueOf(o.get("runtime.powerState")));
        d.put("thumbprint", o.get("summary.config.sslThumbprint"));
        d.put("productName", o.get("summary.config.product.name"));
        d.put("productVersion", o.get("summary.config.product.version"));
        d.put("cpuSockets", o.get("summary.hardware.numCpuPkgs"));
        d.put("cpuCores", o.get("summary.hardware.numCpuCores"));
        d.put("memory", o.get("summary.hardware.memorySize"));
        HostNetworkInfo net = o.get("config.network") instanceof HostNetworkInfo n ? n : null;
        List<Map<String, Object>> vnics = new ArrayList<>();
        List<Map<String, Object>> pnics = new ArrayList<>();
        List<Map<String, Object>> pgs = new ArrayList<>();
        List<Map<String, Object>> switches = new ArrayList<>();
        if (net != null) {
            for (PhysicalNic p : VimSoapClient.list(net.getPnic())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", p.getKey());
                m.put("linkSpeed", p.getLinkSpeed() == null ? 0 : p.getLinkSpeed().getSpeedMb());
                pnics.add(m);
            }
            for (HostVirtualNic v : VimSoapClient.list(net.getVnic())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", v.getKey());
                m.put("device", v.getDevice());
                m.put("portGroup", v.getPortgroup() == null ? "" : v.getPortgroup());
                String dpg = v.getSpec() != null && v.getSpec().getDistributedVirtualPort() != null
                        ? dvPortgroupId(v.getSpec().getDistributedVirtualPort().getPortgroupKey()) : "";
                m.put("dPortGroup", dpg == null ? "" : dpg);
                m.put("ipAddress", v.getSpec() != null && v.getSpec().getIp() != null ? v.getSpec().getIp().getIpAddress() : "");
                m.put("subnetMask", v.getSpec() != null && v.getSpec().getIp() != null ? v.getSpec().getIp().getSubnetMask() : "");
                m.put("mtu", v.getSpec() != null && v.getSpec().getMtu() != null ? v.getSpec().getMtu() : 1500);
                vnics.add(m);
            }
            for (HostPortGroup pg : VimSoapClient.list(net.getPortgroup())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", pg.getKey());
                m.put("name", pg.getSpec() == null ? null : pg.getSpec().getName());
                m.put("vSwitch", pg.getVswitch());
                m.put("vlanId", pg.getSpec() == null ? 0 : pg.getSpec().getVlanId());
                pgs.add(m);
            }
            for (HostVirtualSwitch s : VimSoapClient.list(net.getVswitch())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", s.getKey());
                m.put("name", s.getName());
                m.put("portGroups", s.getPortgroup() == null ? List.of() : List.of(s.getPortgroup()));
                m.put("pNICs", s.getPnic() == null ? List.of() : List.of(s.getPnic()));
                switches.add(m);
            }
        }
        Map<String, Object> networking = new LinkedHashMap<>();
        networking.put("pNICs", pnics);
        networking.put("vNICs", vnics);
        networking.put("portGroups", pgs);
        networking.put("switches", switches);
        d.put("networking", networking);
        // Management networks: the vmkernel NICs tagged "management", or every vmknic when the host
        // does not report tagging (then the engine's Host resource picks the migration network).
        List<String> mgmtKeys = managementVnicKeys(o);
        List<Map<String, Object>> adapters = new ArrayList<>();
        for (Map<String, Object> v : vnics) {
            if (mgmtKeys == null || mgmtKeys.contains(v.get("key")) || mgmtKeys.contains(v.get("device"))) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("name", v.get("portGroup").toString().isEmpty() ? v.get("dPortGroup") : v.get("portGroup"));
                a.put("ipAddress", v.get("ipAddress"));
                a.put("subnetMask", v.get("subnetMask"));
                a.put("mtu", v.get("mtu"));
                adapters.add(a);
            }
        }
        d.put("networkAdapters", adapters);
        d.put("managementServerIp", adapters.isEmpty() ? null : adapters.get(0).get("ipAddress"));
        d.put("networks", refs(o.get("network")));
        d.put("datastores", refs(o.get("datastore")));
        d.put("vms", refs(o.get("vm")));
        return d;
    }

    private List<String> managementVnicKeys(Obj host) {
        Object cfg = host.get("config.virtualNicManagerInfo.netConfig");
        if (!(cfg instanceof VirtualNicManagerNetConfig[] configs)) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        for (VirtualNicManagerNetConfig c : configs) {
            if ("management".equals(c.getNicType()) && c.getSelectedVnic() != null) {
                for (String sel : c.getSelectedVnic()) {
                    keys.add(sel);
                    // selected vnic keys look like "management.key-vim.host.VirtualNic-vmk0"
                    int i = sel.indexOf(".key-");
                    if (i >= 0) {
                        keys.add(sel.substring(i + 1));
                    }
                }
            }
        }
        return keys;
    }

    Map<String, Object> datastore(Obj o) {
        Map<String, Object> d = base(o);
        d.put("capacity", o.get("summary.capacity"));
        d.put("free", o.get("summary.freeSpace"));
        d.put("type", o.get("summary.type"));
        d.put("maintenance", String.valueOf(o.get("summary.maintenanceMode")));
        d.put("accessible", o.get("summary.accessible"));
        d.put("url", o.get("summary.url"));
        return d;
    }

    Map<String, Object> network(Obj o) {
        Map<String, Object> d = base(o);
        String variant = switch (o.type()) {
            case "DistributedVirtualPortgroup" -> "DvPortGroup";
            case "VmwareDistributedVirtualSwitch", "DistributedVirtualSwitch" -> "DvSwitch";
            case "OpaqueNetwork" -> "Opaque";
            default -> "Standard";
        };
        d.put("variant", variant);
        if (o.get("config") instanceof DVPortgroupConfigInfo pg) {
            d.put("dvSwitch", ref(pg.getDistributedVirtualSwitch()));
            d.put("key", pg.getKey());
        } else {
            d.put("dvSwitch", null);
            d.put("key", o.get("key"));
        }
        d.put("host", refs(o.get("host")));
        d.put("tag", "");
        return d;
    }

    private String dvPortgroupId(String key) {
        if (key == null) {
            return null;
        }
        for (Obj pg : model.ofType("DistributedVirtualPortgroup")) {
            if (pg.get("config") instanceof DVPortgroupConfigInfo c && key.equals(c.getKey())) {
                return pg.id();
            }
        }
        return key;
    }

    Map<String, Object> vm(Obj o) {
        Map<String, Object> d = base(o);
        VirtualMachineConfigInfo cfg = o.get("config") instanceof VirtualMachineConfigInfo c ? c : null;
        VirtualMachineRuntimeInfo rt = o.get("runtime") instanceof VirtualMachineRuntimeInfo r ? r : null;
        GuestInfo guest = o.get("guest") instanceof GuestInfo g ? g : null;
        Map<String, String> extra = extraConfig(cfg);
        List<VirtualDevice> devices = cfg != null && cfg.getHardware() != null
                ? VimSoapClient.list(cfg.getHardware().getDevice()) : List.of();

        d.put("isTemplate", cfg != null && cfg.isTemplate());
        d.put("networks", refs(o.get("network")));
        d.put("disks", disks(cfg, devices));
        d.put("concerns", List.of());
        d.put("uuid", cfg == null ? null : cfg.getUuid());
        d.put("firmware", cfg == null || cfg.getFirmware() == null ? "bios" : cfg.getFirmware());
        d.put("powerState", rt == null || rt.getPowerState() == null ? "" : rt.getPowerState().toString());
        d.put("connectionState", rt == null || rt.getConnectionState() == null ? "" : rt.getConnectionState().toString());
        VirtualMachineSnapshotInfo snap = o.get("snapshot") instanceof VirtualMachineSnapshotInfo s ? s : null;
        d.put("snapshot", snap == null || snap.getCurrentSnapshot() == null ? Map.of("kind", "", "id", "")
                : Map.of("kind", "VirtualMachineSnapshot", "id", snap.getCurrentSnapshot().get_value()));
        d.put("changeTrackingEnabled", cfg != null && Boolean.TRUE.equals(cfg.getChangeTrackingEnabled()));
        List<Integer> affinity = new ArrayList<>();
        if (cfg != null && cfg.getCpuAffinity() != null && cfg.getCpuAffinity().getAffinitySet() != null) {
            for (int c : cfg.getCpuAffinity().getAffinitySet()) {
                affinity.add(c);
            }
        }
        d.put("cpuAffinity", affinity);
        d.put("cpuHotAddEnabled", cfg != null && Boolean.TRUE.equals(cfg.getCpuHotAddEnabled()));
        d.put("cpuHotRemoveEnabled", cfg != null && Boolean.TRUE.equals(cfg.getCpuHotRemoveEnabled()));
        d.put("memoryHotAddEnabled", cfg != null && Boolean.TRUE.equals(cfg.getMemoryHotAddEnabled()));
        d.put("faultToleranceEnabled", cfg != null && cfg.getFtInfo() != null);
        d.put("cpuCount", cfg == null || cfg.getHardware() == null ? 0 : cfg.getHardware().getNumCPU());
        d.put("coresPerSocket", cfg == null || cfg.getHardware() == null || cfg.getHardware().getNumCoresPerSocket() == null
                ? 1 : cfg.getHardware().getNumCoresPerSocket());
        d.put("memoryMB", cfg == null || cfg.getHardware() == null ? 0 : cfg.getHardware().getMemoryMB());
        d.put("guestName", cfg == null ? "" : nz(cfg.getGuestFullName()));
        d.put("guestNameFromVmwareTools", guest == null ? "" : nz(guest.getGuestFullName()));
        d.put("guestId", cfg != null && cfg.getGuestId() != null ? cfg.getGuestId()
                : guest == null ? "" : nz(guest.getGuestId()));
        d.put("hostName", guest == null ? "" : nz(guest.getHostName()));
        d.put("ipAddress", guest == null ? "" : nz(guest.getIpAddress()));
        d.put("balloonedMemory", o.get("summary.quickStats.balloonedMemory") == null ? 0 : o.get("summary.quickStats.balloonedMemory"));
        d.put("storageUsed", o.get("summary.storage.committed") == null ? 0 : o.get("summary.storage.committed"));
        String numa = extra.get("numa.nodeAffinity");
        d.put("numaNodeAffinity", numa == null || numa.isBlank() ? List.of()
                : List.of(numa.split("\\s*,\\s*")));
        d.put("consolidationNeeded", rt != null && Boolean.TRUE.equals(rt.getConsolidationNeeded()));
        d.put("diskEnableUuid", "true".equalsIgnoreCase(extra.getOrDefault("disk.EnableUUID", "false")));
        d.put("secureBoot", cfg != null && cfg.getBootOptions() != null
                && "true".equals(extraField(cfg.getBootOptions(), "efiSecureBootEnabled")));
        boolean tpm = false;
        List<Map<String, Object>> devs = new ArrayList<>();
        for (VirtualDevice dev : devices) {
            String kind = wireType(dev);
            if ("VirtualTPM".equals(kind)) {
                tpm = true;
            }
            // controllers are plumbing, except USB ones: the rules flag USB controllers
            boolean usb = kind.startsWith("VirtualUSB");
            if (dev instanceof VirtualDisk || (isController(dev) && !usb) || isStandardDevice(kind)) {
                continue;
            }
            if (dev instanceof VirtualEthernetCard && !"VirtualSriovEthernetCard".equals(kind)) {
                continue;
            }
            devs.add(Map.of("kind", kind));
        }
        d.put("tpmEnabled", tpm);
        d.put("devices", devs);
        d.put("nics", nics(devices));
        d.put("guestNetworks", guestNetworks(guest));
        d.put("guestDisks", guestDisks(guest));
        d.put("guestIpStacks", guestIpStacks(guest));
        d.put("host", rt == null || rt.getHost() == null ? null : rt.getHost().get_value());
        return d;
    }

    /** The workload document: the VM with its host and the host's cluster embedded, as MTV serves it. */
    public Map<String, Object> workload(Obj vm) {
        Map<String, Object> d = vm(vm);
        d.put("selfLink", "providers/vsphere/" + providerUid + "/workloads/" + vm.id());
        Obj host = model.get((String) d.get("host"));
        if (host != null) {
            Map<String, Object> h = host(host);
            Obj cluster = host.get("parent") == null ? null : model.get(host.parent());
            h.put("cluster", cluster != null && "ClusterComputeResource".equals(cluster.type()) ? cluster(cluster) : null);
            d.put("host", h);
        }
        return d;
    }

    private static boolean isController(VirtualDevice dev) {
        return dev instanceof VirtualController;
    }

    // Devices every VM has; the validation rules only look at the others (USB, passthrough, SR-IOV, TPM...).
    private static boolean isStandardDevice(String kind) {
        return switch (kind) {
            case "VirtualKeyboard", "VirtualPointingDevice", "VirtualMachineVideoCard", "VirtualMachineVMCIDevice",
                 "VirtualCdrom", "VirtualFloppy", "VirtualSoundCard", "VirtualSerialPort", "VirtualParallelPort" -> true;
            default -> false;
        };
    }

    private List<Map<String, Object>> disks(VirtualMachineConfigInfo cfg, List<VirtualDevice> devices) {
        Map<Integer, VirtualDevice> byKey = new java.util.HashMap<>();
        for (VirtualDevice dev : devices) {
            byKey.put(dev.getKey(), dev);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (VirtualDevice dev : devices) {
            if (!(dev instanceof VirtualDisk disk)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", disk.getKey());
            String file = null;
            ManagedObjectReference ds = null;
            String mode = null;
            String changeId = null;
            boolean rdm = false;
            boolean shared = false;
            if (disk.getBacking() instanceof VirtualDiskFlatVer2BackingInfo b) {
                file = b.getFileName();
                ds = b.getDatastore();
                mode = b.getDiskMode();
                changeId = b.getChangeId();
                String sharing = extraField(b, "sharing");
                shared = "sharingMultiWriter".equals(sharing);
            } else if (disk.getBacking() instanceof VirtualDiskRawDiskMappingVer1BackingInfo b) {
                file = b.getFileName();
                ds = b.getDatastore();
                mode = b.getDiskMode();
                changeId = b.getChangeId();
                rdm = true;
                shared = "sharingMultiWriter".equals(extraField(b, "sharing"));
            } else if (disk.getBacking() != null) {
                file = disk.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo f ? f.getFileName() : null;
                ds = disk.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo f ? f.getDatastore() : null;
            }
            VirtualDevice ctrl = disk.getControllerKey() == null ? null : byKey.get(disk.getControllerKey());
            if (ctrl instanceof VirtualSCSIController scsi && scsi.getSharedBus() != null
                    && scsi.getSharedBus() != VirtualSCSISharing.noSharing) {
                shared = true;
            }
            m.put("unitNumber", disk.getUnitNumber());
            m.put("controllerKey", disk.getControllerKey());
            m.put("file", file);
            m.put("datastore", ref(ds));
            m.put("capacity", capacityBytes(disk));
            m.put("shared", shared);
            m.put("rdm", rdm);
            m.put("mode", mode);
            m.put("bus", busOf(ctrl));
            m.put("changeTrackingEnabled", cfg != null && Boolean.TRUE.equals(cfg.getChangeTrackingEnabled())
                    && changeId != null);
            m.put("changeId", changeId);
            out.add(m);
        }
        return out;
    }

    /** Disk size in bytes: capacityInBytes (5.5+, beyond vijava's model) when sent, else capacityInKB. */
    public static long capacityBytes(VirtualDisk disk) {
        String bytes = extraField(disk, "capacityInBytes");
        if (bytes != null) {
            try {
                return Long.parseLong(bytes);
            } catch (NumberFormatException ignored) {
                // fall back to KB
            }
        }
        return disk.getCapacityInKB() * 1024L;
    }

    /** scsi, sata, ide, nvme or the controller's type when unusual. */
    public static String busOf(VirtualDevice ctrl) {
        if (ctrl == null) {
            return "";
        }
        String kind = wireType(ctrl);
        if (ctrl instanceof VirtualSCSIController) {
            return "scsi";
        }
        String k = kind.toLowerCase(Locale.ROOT);
        if (k.contains("nvme")) {
            return "nvme";
        }
        if (k.contains("ahci") || k.contains("sata")) {
            return "sata";
        }
        if (k.contains("ide")) {
            return "ide";
        }
        return kind;
    }

    private List<Map<String, Object>> nics(List<VirtualDevice> devices) {
        List<Map<String, Object>> out = new ArrayList<>();
        int order = 0;
        for (VirtualDevice dev : devices) {
            if (!(dev instanceof VirtualEthernetCard nic)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", nic.getKey());
            m.put("mac", nic.getMacAddress());
            m.put("network", nicNetwork(nic));
            m.put("order", order++);
            m.put("model", wireType(nic));
            out.add(m);
        }
        return out;
    }

    /** The network a NIC is on: a Network moRef, a DV port group (by its key) or an opaque network. */
    public Map<String, Object> nicNetwork(VirtualEthernetCard nic) {
        if (nic.getBacking() instanceof VirtualEthernetCardNetworkBackingInfo b) {
            return b.getNetwork() != null ? ref(b.getNetwork()) : Map.of("kind", "Network", "id", nz(b.getDeviceName()));
        }
        if (nic.getBacking() instanceof VirtualEthernetCardDistributedVirtualPortBackingInfo b && b.getPort() != null) {
            String id = dvPortgroupId(b.getPort().getPortgroupKey());
            return Map.of("kind", "Network", "id", nz(id));
        }
        if (nic.getBacking() != null) {
            String opaqueId = extraField(nic.getBacking(), "opaqueNetworkId");
            if (opaqueId != null) {
                for (Obj net : model.ofType("OpaqueNetwork")) {
                    if (opaqueId.equals(net.get("summary.opaqueNetworkId"))) {
                        return Map.of("kind", "Network", "id", net.id());
                    }
                }
                return Map.of("kind", "Network", "id", opaqueId);
            }
        }
        return null;
    }

    private static List<Map<String, Object>> guestNetworks(GuestInfo guest) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (guest == null) {
            return out;
        }
        for (GuestNicInfo n : VimSoapClient.list(guest.getNet())) {
            List<NetIpConfigInfoIpAddress> ips = n.getIpConfig() == null ? List.of()
                    : VimSoapClient.list(n.getIpConfig().getIpAddress());
            if (ips.isEmpty() && n.getIpAddress() != null) {
                for (String ip : n.getIpAddress()) {
                    Map<String, Object> m = guestNet(n);
                    m.put("ip", ip);
                    m.put("origin", "");
                    m.put("prefix", 0);
                    out.add(m);
                }
            }
            for (NetIpConfigInfoIpAddress ip : ips) {
                Map<String, Object> m = guestNet(n);
                m.put("ip", ip.getIpAddress());
                m.put("origin", nz(ip.getOrigin()));
                m.put("prefix", ip.getPrefixLength());
                out.add(m);
            }
        }
        return out;
    }

    private static Map<String, Object> guestNet(GuestNicInfo n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", String.valueOf(n.getDeviceConfigId()));
        m.put("mac", nz(n.getMacAddress()));
        m.put("network", nz(n.getNetwork()));
        m.put("dns", n.getDnsConfig() == null || n.getDnsConfig().getIpAddress() == null ? List.of()
                : List.of(n.getDnsConfig().getIpAddress()));
        return m;
    }

    private static List<Map<String, Object>> guestDisks(GuestInfo guest) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (guest == null) {
            return out;
        }
        for (GuestDiskInfo g : VimSoapClient.list(guest.getDisk())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("diskPath", g.getDiskPath());
            m.put("capacity", g.getCapacity());
            m.put("freeSpace", g.getFreeSpace());
            m.put("filesystemType", nz(extraField(g, "filesystemType")));
            // the virtual disk this guest disk lives on (vSphere 7+ tools), 0 when unknown, as MTV's model has it
            String key = extraField(g, "mappings.key");
            m.put("key", key != null && key.matches("-?\\d{1,9}") ? Integer.parseInt(key) : 0);
            out.add(m);
        }
        return out;
    }

    private static List<Map<String, Object>> guestIpStacks(GuestInfo guest) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (guest == null) {
            return out;
        }
        for (GuestStackInfo s : VimSoapClient.list(guest.getIpStack())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dns", s.getDnsConfig() == null || s.getDnsConfig().getIpAddress() == null ? List.of()
                    : List.of(s.getDnsConfig().getIpAddress()));
            out.add(m);
        }
        return out;
    }

    static Map<String, String> extraConfig(VirtualMachineConfigInfo cfg) {
        Map<String, String> m = new java.util.HashMap<>();
        if (cfg != null) {
            for (OptionValue v : VimSoapClient.list(cfg.getExtraConfig())) {
                if (v.getKey() != null && v.getValue() != null) {
                    m.put(v.getKey(), v.getValue().toString());
                }
            }
        }
        return m;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
