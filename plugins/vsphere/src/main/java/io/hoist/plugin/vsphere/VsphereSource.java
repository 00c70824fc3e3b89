package io.hoist.plugin.vsphere;

import static io.hoist.plugin.vsphere.soap.TolerantXmlReader.extraField;
import static io.hoist.plugin.vsphere.soap.TolerantXmlReader.wireType;

import com.vmware.vim25.DiskChangeExtent;
import com.vmware.vim25.DiskChangeInfo;
import com.vmware.vim25.DVPortgroupConfigInfo;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.VirtualDevice;
import com.vmware.vim25.VirtualDisk;
import com.vmware.vim25.VirtualDiskFlatVer2BackingInfo;
import com.vmware.vim25.VirtualEthernetCard;
import com.vmware.vim25.VirtualEthernetCardDistributedVirtualPortBackingInfo;
import com.vmware.vim25.VirtualEthernetCardNetworkBackingInfo;
import com.vmware.vim25.VirtualMachineConfigInfo;
import com.vmware.vim25.VirtualMachinePowerState;
import com.vmware.vim25.VirtualMachineRuntimeInfo;
import com.vmware.vim25.VirtualMachineSnapshotInfo;
import com.vmware.vim25.VirtualMachineSnapshotTree;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.HostConfig;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.Snapshots;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.source.ReportsGuestAddresses;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.SourceVmChange;
import io.hoist.api.source.VmRef;
import io.hoist.api.source.WatchesInventory;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.support.Failures;
import io.hoist.plugin.support.Interruptions;
import io.hoist.plugin.support.ProviderConditions;
import io.hoist.plugin.vsphere.disk.AllocatedAreasReader;
import io.hoist.plugin.vsphere.disk.DatastorePath;
import io.hoist.plugin.vsphere.disk.NbdExports;
import io.hoist.plugin.vsphere.disk.VddkNbdExports;
import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.plugin.vsphere.inventory.InventoryCollector;
import io.hoist.plugin.vsphere.inventory.InventoryModel;
import io.hoist.plugin.vsphere.soap.ContainerViewFilters;
import io.hoist.plugin.vsphere.soap.VimFault;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;

/**
 * A connected vCenter or ESXi: inventory, VM description, power, disks, and the warm-migration
 * abilities (snapshots and changed block tracking). Calls block; the host runs them on this
 * provider's worker pool (HostContext.blockingExecutor()), as the SourceProvider contract says.
 */
public final class VsphereSource implements SourceProvider, Snapshots, ChangedAreas, WatchesInventory, ReportsGuestAddresses {
    /** Snapshots this plugin takes are named so; a leftover one (crash) is removed before the next. */
    static final String SNAPSHOT_PREFIX = "hoist-migration";
    private static final Duration TASK_TIMEOUT = Duration.ofMinutes(30);

    private final ProviderConfig provider;
    private final HostContext context;
    private final System.Logger log;
    private final InventoryModel model = new InventoryModel();
    private final InventoryCollector collector;
    private final Map<String, HostAccess> hosts = new ConcurrentHashMap<>();
    /** Host resources that name their host (spec.name) instead of its moRef: resolved on first use. */
    private final Map<String, HostAccess> hostsByName = new ConcurrentHashMap<>();
    private final Map<String, VimSession> hostSessions = new ConcurrentHashMap<>();
    private volatile NbdExports nbdExports;
    /** VM id + ">" + host of the moves already logged. */
    private final java.util.Set<String> reportedMoves = ConcurrentHashMap.newKeySet();
    private VimSession session;
    /**
     * A second session for the inventory's WaitForUpdatesEx long polls, so the operations' session (power,
     * snapshots, the datastore cookie) never shares its server-side state with a blocked poll.
     */
    private VimSession inventorySession;

    public VsphereSource(ProviderConfig provider, HostContext context) {
        this.provider = provider;
        this.context = context;
        this.log = context.logger("vsphere." + provider.name());
        this.collector = new InventoryCollector(model, provider.uid(), log, context.sourceVmChanges());
        for (String pair : provider.setting("hostIps", "").split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2 && !kv[0].isBlank() && !kv[1].isBlank()) {
                hosts.put(kv[0].trim(), HostAccess.of(kv[1].trim(), null));
            }
        }
        for (HostConfig h : provider.hosts()) {
            if (h.ipAddress().isBlank()) {
                continue; // a Host without a migration-network address changes nothing for disk reads
            }
            HostAccess access;
            try {
                access = HostAccess.of(h.ipAddress(), h.secret());
            } catch (IllegalArgumentException bad) {
                log.log(System.Logger.Level.WARNING, "Host " + (h.id().isBlank() ? h.name() : h.id())
                        + " ignored: spec.ipAddress \"" + h.ipAddress() + "\" is not an address");
                continue;
            }
            if (!h.id().isBlank()) {
                hosts.put(h.id(), access);
            } else if (!h.name().isBlank()) {
                hostsByName.put(h.name(), access);
            }
        }
    }

    /** The Host resource of a VM's host (by moRef, else by the host's name), or null. */
    private HostAccess hostAccess(String hostMoRef) {
        if (hostMoRef == null) {
            return null;
        }
        HostAccess a = hosts.get(hostMoRef);
        if (a != null || hostsByName.isEmpty()) {
            return a;
        }
        Object name = call("name of host " + hostMoRef, s -> s.property(VimSession.mor("HostSystem", hostMoRef), "name"));
        a = name == null ? null : hostsByName.get(name.toString());
        if (a != null) {
            hosts.putIfAbsent(hostMoRef, a);
        }
        return a;
    }

    /**
     * The IP of an ESXi host on the migration network (a Host resource's ipAddress), without host
     * credentials: snapshot (VDDK) reads of that host's VMs go to that IP with the provider's
     * credentials, and so do datastore file reads when the provider itself is an ESXi host.
     */
    public void setHostAddress(String hostMoRef, String ipAddress) {
        setHost(hostMoRef, ipAddress, null);
    }

    /**
     * A Host resource: the host's migration-network IP and its Secret ({@code user}, {@code password},
     * optional {@code cacert}/{@code thumbprint}/{@code insecureSkipVerify}). With credentials, disk reads
     * of that host's VMs go to the host itself: the datastore file API on the host with a session of
     * its own (trusting the Secret's CA or thumbprint, else the thumbprint vCenter reports for the host),
     * and VDDK with the host's credentials. A blank address removes the Host.
     */
    public void setHost(String hostMoRef, String ipAddress, Map<String, String> hostSecret) {
        VimSession old = hostSessions.remove(hostMoRef);
        if (old != null) {
            old.logout();
        }
        if (ipAddress == null || ipAddress.isBlank()) {
            hosts.remove(hostMoRef);
        } else {
            hosts.put(hostMoRef, HostAccess.of(ipAddress, hostSecret));
        }
    }

    /** A logged-in session on the host itself (cached per host). */
    private VimSession hostSession(String hostMoRef, HostAccess access, TlsSettings tls) throws VimFault, IOException {
        VimSession s = hostSessions.get(hostMoRef);
        if (s == null) {
            VimSoapClient soap = new VimSoapClient(URI.create(access.baseUrl() + "/sdk"),
                    context.http().client(tls, Duration.ofSeconds(30)), Duration.ofMinutes(5), "6.0");
            s = VimSession.login(soap, access.user(), access.password());
            hostSessions.put(hostMoRef, s);
        }
        return s;
    }

    /** Replaces how snapshot disks are exported over NBD (nbdkit's vddk plugin by default). */
    public void setNbdExports(NbdExports exports) {
        this.nbdExports = exports;
    }

    // ---------------------------------------------------------------- connection

    private VsphereConfig config() {
        try {
            return VsphereConfig.of(provider);
        } catch (IllegalArgumentException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "ProviderNotValid", e.getMessage());
        }
    }

    private synchronized VimSession session() throws VimFault, IOException {
        if (session == null) {
            session = login();
        }
        return session;
    }

    private synchronized VimSession inventorySession() throws VimFault, IOException {
        if (inventorySession == null) {
            inventorySession = login();
        }
        return inventorySession;
    }

    private VimSession login() throws VimFault, IOException {
        VsphereConfig c = config();
        VimSoapClient soap = new VimSoapClient(c.sdk(), context.http().client(c.tls(), Duration.ofSeconds(30)),
                Duration.ofMinutes(5), "6.0");
        return VimSession.login(soap, c.user(), c.password());
    }

    private synchronized void dropSession(boolean inventory) {
        if (inventory) {
            inventorySession = null;
        } else {
            session = null;
        }
    }

    private interface VimCall<T> {
        T run(VimSession s) throws VimFault, IOException;
    }

    /** Runs a call; a lost session (NotAuthenticated) is re-established once. Faults become HoistExceptions. */
    private <T> T call(String what, VimCall<T> c) {
        return call(false, what, c);
    }

    private <T> T call(boolean inventory, String what, VimCall<T> c) {
        for (int attempt = 0; ; attempt++) {
            try {
                return c.run(inventory ? inventorySession() : session());
            } catch (VimFault f) {
                if (f.is("NotAuthenticated") && attempt == 0) {
                    dropSession(inventory);
                    continue;
                }
                if (f.is("InvalidLogin") || f.is("NoPermission") || f.is("NotAuthenticated")) {
                    throw new HoistException(HoistException.Type.AUTH, "ConnectionAuthFailed", what + ": " + f.getMessage(), f);
                }
                throw new HoistException(HoistException.Type.INTERNAL, f.faultType(), what + ": " + f.getMessage(), f);
            } catch (IOException e) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "SourceUnavailable",
                        what + ": " + Failures.describe(e), e);
            }
        }
    }

    @Override
    public List<Condition> testConnection() {
        List<Condition> problems = VsphereConfig.validate(provider);
        if (!problems.isEmpty()) {
            return ProviderConditions.testNotRun(problems);
        }
        VsphereConfig c = config();
        try {
            dropSession(false);
            VimSession s = session();
            List<Condition> out = new ArrayList<>();
            out.add(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required,
                    "Connected to " + (s.isVcenter() ? "vCenter " : "ESXi ") + c.sdk().getHost() + " as " + c.user()));
            boolean wantVcenter = VsphereConfig.VCENTER.equals(c.endpoint());
            if (wantVcenter != s.isVcenter()) {
                out.add(Condition.isTrue("SdkEndpointMismatch", "Tested", Condition.Category.Warn,
                        "settings.sdkEndpoint is " + c.endpoint() + " but " + c.sdk().getHost() + " is "
                                + (s.isVcenter() ? "a vCenter" : "an ESXi host")));
            }
            return out;
        } catch (VimFault f) {
            String reason = f.is("InvalidLogin") || f.is("NoPermission") ? "ConnectionAuthFailed" : "ConnectionTestFailed";
            String msg = reason.equals("ConnectionAuthFailed")
                    ? "Login to " + c.sdk().getHost() + " as " + c.user() + " failed: wrong user or password"
                    : "Connection test failed: " + f.getMessage();
            return ProviderConditions.testFailed(reason, msg);
        } catch (IOException e) {
            if (Failures.causedBy(e, SSLException.class)) {
                String msg = "TLS verification of " + c.sdk().getHost() + " failed: "
                        + (c.tls().caCertPem() != null ? "its certificate is not signed by the CA in the Secret (cacert)"
                        : c.tls().thumbprint() != null ? "its certificate does not match the Secret's thumbprint"
                        : "its certificate is not trusted; set cacert in the Secret or, to skip verification,"
                                + " insecureSkipVerify: true") + " (" + Failures.rootMessage(e) + ")";
                return ProviderConditions.testFailed("TLSVerificationFailed", msg);
            }
            return ProviderConditions.testFailed("ConnectionTestFailed", "Cannot reach " + c.sdk() + ": " + Failures.describe(e));
        } catch (RuntimeException e) {
            return ProviderConditions.testFailed("ConnectionTestFailed", "Connection test failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        VimSession s;
        VimSession inv;
        synchronized (this) {
            s = session;
            inv = inventorySession;
            session = null;
            inventorySession = null;
        }
        collector.release();
        if (inv != null) {
            inv.logout();
        }
        if (s != null) {
            s.logout();
        }
        hostSessions.values().forEach(VimSession::logout);
        hostSessions.clear();
    }

    // ---------------------------------------------------------------- inventory

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        call(true, "inventory collection", s -> {
            collector.collectAll(s, publisher);
            return null;
        });
    }

    @Override
    public void watch(InventoryPublisher publisher, BooleanSupplier stop) {
        call(true, "inventory watch", s -> {
            collector.watch(s, publisher, stop);
            return null;
        });
    }

    // ---------------------------------------------------------------- VMs

    private static final String[] VM_PATHS = {"name", "config", "runtime", "snapshot", "guest"};

    @Override
    public Optional<SourceVm> describe(VmRef ref) {
        return call("describe " + ref.display(), s -> {
            Map<String, Object> props = vmProperties(s, ref);
            if (props == null) {
                return Optional.<SourceVm>empty();
            }
            return Optional.of(toSourceVm(s, (String) props.get("__id"), props));
        });
    }

    /** The VM's properties by id (moRef) or, failing that, by name; null when neither exists. */
    private Map<String, Object> vmProperties(VimSession s, VmRef ref) throws VimFault, IOException {
        if (ref.id() != null && !ref.id().isBlank()) {
            try {
                Map<String, Object> p = s.properties(VimSession.mor("VirtualMachine", ref.id()), VM_PATHS);
                if (p.containsKey("config")) {
                    p.put("__id", ref.id());
                    return p;
                }
            } catch (VimFault f) {
                if (!f.is("ManagedObjectNotFound")) {
                    throw f;
                }
            }
        }
        if (ref.name() == null || ref.name().isBlank()) {
            return null;
        }
        ManagedObjectReference view = s.containerView("VirtualMachine");
        try {
            for (ObjectContent oc : s.retrieve(ContainerViewFilters.of(view, "VirtualMachine", "name"))) {
                Object n = oc.getPropSet() == null ? null : oc.getPropSet()[0].getVal();
                if (ref.name().equals(n)) {
                    Map<String, Object> p = s.properties(oc.getObj(), VM_PATHS);
                    p.put("__id", oc.getObj().get_value());
                    return p;
                }
            }
        } finally {
            s.destroy(view);
        }
        return null;
    }

    private SourceVm toSourceVm(VimSession s, String id, Map<String, Object> p) throws VimFault, IOException {
        VirtualMachineConfigInfo cfg = (VirtualMachineConfigInfo) p.get("config");
        VirtualMachineRuntimeInfo rt = (VirtualMachineRuntimeInfo) p.get("runtime");
        int cpus = cfg.getHardware().getNumCPU();
        int cores = cfg.getHardware().getNumCoresPerSocket() == null || cfg.getHardware().getNumCoresPerSocket() < 1
                ? 1 : cfg.getHardware().getNumCoresPerSocket();
        List<VirtualDevice> devices = VimSoapClient.list(cfg.getHardware().getDevice());
        Map<Integer, VirtualDevice> byKey = new HashMap<>();
        devices.forEach(d -> byKey.put(d.getKey(), d));
        com.vmware.vim25.GuestInfo guest = p.get("guest") instanceof com.vmware.vim25.GuestInfo g ? g : null;
        model.rememberGuest(id, guest);
        if (!InventoryModel.toolsReport(guest) && model.lastReportedGuest(id) != null) {
            guest = model.lastReportedGuest(id); // powered off now: what its tools said while it ran
        }
        Map<Integer, String> driveLetters = VmwareIdentity.windowsDriveLetters(guest);
        List<SourceDisk> disks = new ArrayList<>();
        List<SourceNic> nics = new ArrayList<>();
        Map<String, String[]> networks = null;
        for (VirtualDevice d : devices) {
            if (d instanceof VirtualDisk disk) {
                String file = disk.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo f ? f.getFileName() : null;
                ManagedObjectReference ds = disk.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo f
                        ? f.getDatastore() : null;
                VirtualDevice ctrl = disk.getControllerKey() == null ? null : byKey.get(disk.getControllerKey());
                boolean shared = disk.getBacking() != null && "sharingMultiWriter".equals(extraField(disk.getBacking(), "sharing"));
                // the backing's UUID is the serial the guest reads when disk.EnableUUID is set
                String serial = disk.getBacking() instanceof com.vmware.vim25.VirtualDiskFlatVer2BackingInfo f ? f.getUuid() : null;
                disks.add(new SourceDisk(String.valueOf(disk.getKey()), file, Documents.capacityBytes(disk),
                        ds == null ? null : ds.get_value(), Documents.busOf(ctrl), shared, 0, serial,
                        driveLetters.get(disk.getKey()),
                        shared ? file : null));
            } else if (d instanceof VirtualEthernetCard nic) {
                if (networks == null) {
                    networks = networkIndex(s, id);
                }
                String netId = null;
                if (nic.getBacking() instanceof VirtualEthernetCardNetworkBackingInfo b && b.getNetwork() != null) {
                    netId = b.getNetwork().get_value();
                } else if (nic.getBacking() instanceof VirtualEthernetCardDistributedVirtualPortBackingInfo b
                        && b.getPort() != null) {
                    for (Map.Entry<String, String[]> e : networks.entrySet()) {
                        if (b.getPort().getPortgroupKey() != null && b.getPort().getPortgroupKey().equals(e.getValue()[1])) {
                            netId = e.getKey();
                        }
                    }
                }
                String[] net = netId == null ? null : networks.get(netId);
                nics.add(new SourceNic(nic.getDeviceInfo() == null ? "nic" + nics.size() : nic.getDeviceInfo().getLabel(),
                        nic.getMacAddress(), netId, net == null ? null : net[0], wireType(nic)));
            }
        }
        boolean efi = "efi".equalsIgnoreCase(cfg.getFirmware());
        boolean secureBoot = cfg.getBootOptions() != null
                && "true".equals(extraField(cfg.getBootOptions(), "efiSecureBootEnabled"));
        boolean tpm = devices.stream().anyMatch(d -> "VirtualTPM".equals(wireType(d)));
        String hostId = rt == null || rt.getHost() == null ? null : rt.getHost().get_value();
        SourceVm.Identity identity = new SourceVm.Identity(cfg.getUuid(), VmwareIdentity.serialOf(cfg.getUuid()), tpm,
                hostTimezone(s, hostId), cfg.getNestedHVEnabled());
        SourceVm.Checks checks = new SourceVm.Checks(hostInMaintenance(s, hostId),
                VmwareIdentity.guestIpMacs(guest), runningDiskSharers(s, disks),
                p.get("snapshot") instanceof com.vmware.vim25.VirtualMachineSnapshotInfo snap && snap.getCurrentSnapshot() != null);
        return new SourceVm(id, (String) p.get("name"), Math.max(1, cpus / cores), cores, 1,
                cfg.getHardware().getMemoryMB() * 1024L * 1024L, efi ? Firmware.EFI : Firmware.BIOS, secureBoot,
                toPowerState(rt == null ? null : rt.getPowerState()), hostId, cfg.getGuestId(), disks, nics,
                clusterCpuModel(s, hostId), identity, checks);
    }

    /**
     * The CPU model of the EVC mode of the VM's cluster (preserveClusterCpuModel), or null: a standalone host or a
     * cluster without EVC has no cluster-wide model; an EVC mode this plugin cannot map is logged.
     */
    private String clusterCpuModel(VimSession s, String hostId) throws VimFault, IOException {
        if (hostId == null) {
            return null;
        }
        Object parent = s.property(VimSession.mor("HostSystem", hostId), "parent");
        if (!(parent instanceof ManagedObjectReference cluster) || !"ClusterComputeResource".equals(cluster.getType())) {
            return null;
        }
        Object summary = s.property(cluster, "summary");
        String evc = summary instanceof com.vmware.vim25.ClusterComputeResourceSummary c ? c.getCurrentEVCModeKey() : null;
        if (evc == null || evc.isBlank()) {
            return null;
        }
        String model = EvcCpuModels.ofEvcMode(evc);
        if (model == null) {
            log.log(System.Logger.Level.WARNING, "cluster " + cluster.get_value() + ": EVC mode '" + evc + "' has no known"
                    + " CPU model; a plan with preserveClusterCpuModel gives its VMs no CPU model");
        }
        return model;
    }

    /**
     * MTV's SharedDisks check: the powered-on VMs (this one included) attached to one of this VM's multi-writer disks,
     * found by the disks' datastore files across all VMs. Empty when the VM shares no disk.
     */
    private static List<String> runningDiskSharers(VimSession s, List<SourceDisk> disks) throws VimFault, IOException {
        java.util.Set<String> shared = new java.util.HashSet<>();
        for (SourceDisk d : disks) {
            if (d.shared() && d.shareId() != null) {
                shared.add(d.shareId());
            }
        }
        if (shared.isEmpty()) {
            return List.of();
        }
        java.util.TreeSet<String> running = new java.util.TreeSet<>();
        ManagedObjectReference view = s.containerView("VirtualMachine");
        try {
            for (ObjectContent oc : s.retrieve(ContainerViewFilters.of(view, "VirtualMachine", "name", "runtime.powerState",
                    "config.hardware.device"))) {
                Map<String, Object> p = new HashMap<>();
                for (com.vmware.vim25.DynamicProperty dp : VimSoapClient.list(oc.getPropSet())) {
                    p.put(dp.getName(), dp.getVal());
                }
                if (p.get("runtime.powerState") != VirtualMachinePowerState.poweredOn) {
                    continue;
                }
                Object devs = p.get("config.hardware.device");
                for (Object dev : devs instanceof Object[] a ? a : new Object[0]) {
                    if (dev instanceof VirtualDisk vd && vd.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo f
                            && shared.contains(f.getFileName())) {
                        running.add(String.valueOf(p.get("name")));
                        break;
                    }
                }
            }
        } finally {
            s.destroy(view);
        }
        return List.copyOf(running);
    }

    /**
     * The static addresses of the guest's NICs: what its tools report now, else (a powered-off VM, as at conversion
     * time) what they last reported to the inventory watch or to describe. Empty when neither ever saw them run.
     */
    @Override
    public List<GuestAddress> guestAddresses(SourceVm vm) {
        return call("guest addresses of " + vm.name(), s -> {
            Map<String, Object> p = s.properties(VimSession.mor("VirtualMachine", vm.id()), "guest", "config.guestId");
            com.vmware.vim25.GuestInfo guest = p.get("guest") instanceof com.vmware.vim25.GuestInfo g ? g : null;
            model.rememberGuest(vm.id(), guest);
            if (!InventoryModel.toolsReport(guest)) {
                guest = model.lastReportedGuest(vm.id());
            }
            String guestId = p.get("config.guestId") instanceof String g ? g : vm.osType();
            return GuestStaticAddresses.of(guest, guestId);
        });
    }

    /** MTV's HostNotReady: the VM's host is in maintenance mode (false when the host cannot be read). */
    /**
     * The time zone of the ESXi host's clock ({@code config.dateTimeInfo.timeZone.name}), or null when the host has
     * none. MTV 2.10 gives the target VM's clock this zone whatever the guest OS (forklift
     * {@code pkg/controller/plan/adapter/vsphere/builder.go}, {@code mapClock}); Hoist does the same.
     */
    private static String hostTimezone(VimSession s, String hostId) throws VimFault, IOException {
        if (hostId == null) {
            return null;
        }
        try {
            Object tz = s.property(VimSession.mor("HostSystem", hostId), "config.dateTimeInfo.timeZone.name");
            return tz instanceof String name && !name.isBlank() ? name : null;
        } catch (VimFault f) {
            if (f.is("InvalidProperty") || f.is("NoPermission")) {
                return null; // a host without date/time info, or an account that may not read host config: no zone
            }
            throw f;
        }
    }

    private static boolean hostInMaintenance(VimSession s, String hostId) throws VimFault, IOException {
        if (hostId == null) {
            return false;
        }
        return Boolean.TRUE.equals(s.property(VimSession.mor("HostSystem", hostId), "runtime.inMaintenanceMode"));
    }

    /** The VM's networks: moRef → {name, DV port group key or null}. */
    private static Map<String, String[]> networkIndex(VimSession s, String vmId) throws VimFault, IOException {
        Map<String, String[]> out = new HashMap<>();
        Object nets = s.property(VimSession.mor("VirtualMachine", vmId), "network");
        if (nets instanceof ManagedObjectReference[] refs) {
            for (ManagedObjectReference r : refs) {
                Map<String, Object> p = "DistributedVirtualPortgroup".equals(r.getType())
                        ? s.properties(r, "name", "config") : s.properties(r, "name");
                String key = p.get("config") instanceof DVPortgroupConfigInfo c ? c.getKey() : null;
                out.put(r.get_value(), new String[] {(String) p.get("name"), key});
            }
        }
        return out;
    }

    private static PowerState toPowerState(VirtualMachinePowerState s) {
        if (s == VirtualMachinePowerState.poweredOn) {
            return PowerState.ON;
        }
        if (s == VirtualMachinePowerState.poweredOff) {
            return PowerState.OFF;
        }
        return PowerState.UNKNOWN;
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        return call("power state of " + vm.name(), s -> {
            Object rt = s.property(VimSession.mor("VirtualMachine", vm.id()), "runtime");
            return toPowerState(rt instanceof VirtualMachineRuntimeInfo r ? r.getPowerState() : null);
        });
    }

    @Override
    public void powerOff(SourceVm vm) {
        if (powerState(vm) == PowerState.OFF) {
            return;
        }
        call("power off " + vm.name(), s -> {
            ManagedObjectReference task = s.invoke("PowerOffVM_Task", VimSession.mor("VirtualMachine", vm.id()),
                    ManagedObjectReference.class);
            return s.waitForTask(task, TASK_TIMEOUT);
        });
    }

    @Override
    public void powerOn(SourceVm vm) {
        if (powerState(vm) == PowerState.ON) {
            return;
        }
        call("power on " + vm.name(), s -> {
            ManagedObjectReference task = s.invoke("PowerOnVM_Task", VimSession.mor("VirtualMachine", vm.id()),
                    ManagedObjectReference.class);
            return s.waitForTask(task, TASK_TIMEOUT);
        });
    }

    // ---------------------------------------------------------------- disks

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws IOException {
        return snapshot == null ? openLiveDisk(vm, disk) : openSnapshotDisk(vm, disk, snapshot);
    }

    /**
     * A powered-off VM's disk through the datastore HTTP file API (Range requests, so reads resume),
     * authenticated by the session cookie and verified with this provider's TLS settings.
     */
    private DiskReader openLiveDisk(SourceVm vm, SourceDisk disk) throws IOException {
        VsphereConfig c = config();
        record Located(URI url, String cookie, TlsSettings tls, String hostId, HostAccess access, boolean cbt) {}
        Located loc = call("locate disk " + disk.id() + " of " + vm.name(), s -> {
            Map<String, Object> p = s.properties(VimSession.mor("VirtualMachine", vm.id()), "config", "runtime");
            VirtualMachineConfigInfo cfg = (VirtualMachineConfigInfo) p.get("config");
            if (cfg == null) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMNotFound", "VM " + vm.id() + " not found");
            }
            // a running VM's live disk changes under the copy: cold copies need it off, warm ones a snapshot
            if (p.get("runtime") instanceof VirtualMachineRuntimeInfo rt
                    && rt.getPowerState() != VirtualMachinePowerState.poweredOff) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMNotPoweredOff",
                        "VM " + vm.name() + " is " + rt.getPowerState() + "; its live disk is read only when it is"
                                + " powered off (cold) or through a snapshot (warm)");
            }
            VirtualDisk vd = findDisk(cfg, disk.id());
            if (!(vd.getBacking() instanceof VirtualDiskFlatVer2BackingInfo b)) {
                throw new HoistException(HoistException.Type.NOT_SUPPORTED, "DiskBackingNotSupported",
                        "disk " + disk.id() + " of " + vm.name() + " is " + wireType(vd.getBacking())
                                + "; the datastore file reader reads flat disks only (use VDDK for RDM and sparse disks)");
            }
            if (b.getParent() != null) {
                throw new HoistException(HoistException.Type.NOT_SUPPORTED, "VMHasSnapshots",
                        "disk " + disk.id() + " of " + vm.name() + " is a snapshot delta (" + b.getFileName()
                                + "); remove the VM's snapshots for a cold migration over the datastore file API");
            }
            String hostId = movedHost(vm, p.get("runtime") instanceof VirtualMachineRuntimeInfo rt && rt.getHost() != null
                    ? rt.getHost().get_value() : null);
            HostAccess access = hostAccess(hostId);
            boolean cbt = Boolean.TRUE.equals(cfg.getChangeTrackingEnabled());
            DatastorePath path = DatastorePath.parse(b.getFileName()).flatExtent();
            if (access != null && access.hasCredentials()) {
                // through the host itself, on the migration network, with the host's own session
                String tp = (String) s.property(VimSession.mor("HostSystem", hostId), "summary.config.sslThumbprint");
                TlsSettings tls = access.tlsOr(tp, c.tls());
                return new Located(path.fileUrl(access.baseUrl(), "ha-datacenter"), null, tls, hostId, access, cbt);
            }
            URI base = c.sdk();
            if (access != null && VsphereConfig.ESXI.equals(c.endpoint())) {
                base = access.baseUrl(); // the provider is this host: its session is valid there
            }
            return new Located(path.fileUrl(base, datacenterName(s, vm.id())), s.soap().sessionCookie(), c.tls(),
                    null, null, cbt);
        });
        String cookie = loc.cookie();
        if (loc.access() != null) {
            cookie = hostCookie(loc.hostId(), loc.access(), loc.tls());
        }
        Map<String, String> headers = cookie == null ? Map.of() : Map.of("Cookie", cookie);
        DiskReader reader = context.diskIo().openHttp(loc.url(), loc.tls(), headers);
        if (!loc.cbt()) {
            return reader; // the engine's zero detection still skips writing zeros
        }
        try {
            // a powered-off VM answers for its current state without a snapshot
            return new AllocatedAreasReader(reader, areas(vm, disk, null, "*"));
        } catch (HoistException e) {
            // e.g. CBT turned on but no baseline yet (FileFault): read everything, as without CBT
            context.logger("vsphere").log(System.Logger.Level.INFO, "allocated areas of disk " + disk.id() + " of "
                    + vm.name() + " unknown (" + e.getMessage() + "); the cold copy reads the whole disk");
            return reader;
        }
    }

    private String hostCookie(String hostMoRef, HostAccess access, TlsSettings tls) {
        for (int attempt = 0; ; attempt++) {
            try {
                VimSession hs = hostSession(hostMoRef, access, tls);
                hs.property(hs.content().getRootFolder(), "name"); // proves the session is still valid
                return hs.soap().sessionCookie();
            } catch (VimFault f) {
                hostSessions.remove(hostMoRef);
                if (f.is("NotAuthenticated") && attempt == 0) {
                    continue;
                }
                throw new HoistException(f.is("InvalidLogin") ? HoistException.Type.AUTH : HoistException.Type.INTERNAL,
                        f.is("InvalidLogin") ? "HostAuthFailed" : f.faultType(),
                        "login to host " + access.address() + " as " + access.user() + " failed: " + f.getMessage(), f);
            } catch (IOException e) {
                hostSessions.remove(hostMoRef);
                throw new HoistException(HoistException.Type.UNAVAILABLE, "HostUnavailable",
                        "host " + access.address() + ": " + Failures.describe(e), e);
            }
        }
    }

    private static VirtualDisk findDisk(VirtualMachineConfigInfo cfg, String diskId) {
        for (VirtualDevice d : VimSoapClient.list(cfg.getHardware().getDevice())) {
            if (d instanceof VirtualDisk vd && String.valueOf(vd.getKey()).equals(diskId)) {
                return vd;
            }
        }
        throw new HoistException(HoistException.Type.USER_ERROR, "DiskNotFound", "disk " + diskId + " not found");
    }

    /** The name of the VM's datacenter (the file API's dcPath), walking parents. */
    private static String datacenterName(VimSession s, String vmId) throws VimFault, IOException {
        ManagedObjectReference cur = VimSession.mor("VirtualMachine", vmId);
        for (int i = 0; i < 64 && cur != null; i++) {
            Map<String, Object> p = s.properties(cur, "name", "parent");
            if ("Datacenter".equals(cur.getType())) {
                return (String) p.get("name");
            }
            cur = (ManagedObjectReference) p.get("parent");
        }
        throw new IOException("VM " + vmId + " has no datacenter");
    }

    /**
     * The host the VM runs on now. A VM moved (vMotion, DRS) since the migration described it is read where it is now,
     * and the move is reported once per VM and host (a Warn condition on the VM's status), so it is never silently
     * read through the old host.
     */
    private String movedHost(SourceVm vm, String now) {
        if (now == null) {
            return vm.hostId();
        }
        if (vm.hostId() != null && !now.equals(vm.hostId()) && reportedMoves.add(vm.id() + ">" + now)) {
            context.sourceVmChanges().report(new SourceVmChange(vm.id(), "VMMovedDuringMigration",
                    io.hoist.api.Condition.Category.Warn, "HostChanged", "VM " + vm.name() + " moved from host "
                    + vm.hostId() + " to " + now + " during the migration (vMotion); its disks are read through " + now));
        }
        return now;
    }

    /** A snapshot's view of a disk over NBD (nbdkit vddk, or the configured {@link NbdExports}). */
    private DiskReader openSnapshotDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws IOException {
        VsphereConfig c = config();
        Object runningOn = call("host of " + vm.name(), s -> s.property(VimSession.mor("VirtualMachine", vm.id()), "runtime.host"));
        String hostId = movedHost(vm, runningOn instanceof ManagedObjectReference h ? h.get_value() : null);
        HostAccess access = hostAccess(hostId);
        record Located(String file, String hostThumbprint) {}
        Located loc = call("snapshot disk " + disk.id(), s -> {
            Object cfg = s.property(VimSession.mor("VirtualMachineSnapshot", snapshot.id()), "config");
            if (!(cfg instanceof VirtualMachineConfigInfo sc)) {
                throw new HoistException(HoistException.Type.USER_ERROR, "SnapshotNotFound",
                        "snapshot " + snapshot.id() + " of " + vm.name() + " not found");
            }
            VirtualDisk vd = findDisk(sc, disk.id());
            String f = vd.getBacking() instanceof com.vmware.vim25.VirtualDeviceFileBackingInfo fb ? fb.getFileName() : null;
            // VDDK talking to the ESXi host directly must be told that host's certificate thumbprint
            String tp = access == null ? null
                    : (String) s.property(VimSession.mor("HostSystem", hostId), "summary.config.sslThumbprint");
            return new Located(f, tp);
        });
        String thumbprint = access != null && access.tls() != null && access.tls().thumbprint() != null
                ? access.tls().thumbprint() : loc.hostThumbprint() != null ? loc.hostThumbprint() : c.tls().thumbprint();
        boolean hostCreds = access != null && access.hasCredentials();
        NbdExports exports = nbdExports != null ? nbdExports
                : new VddkNbdExports(c.vddkLibDir() == null ? null : Path.of(c.vddkLibDir()),
                        hostCreds ? access.user() : c.user(), hostCreds ? access.password() : c.password(),
                        context.workDir());
        NbdExports.Export export = exports.open(new NbdExports.Request(vm.id(), snapshot.id(), loc.file(),
                access != null ? access.host() : c.sdk().getHost(), thumbprint));
        DiskReader reader;
        try {
            reader = context.diskIo().openNbd(export.uri());
        } catch (IOException | RuntimeException e) {
            export.close();
            throw e;
        }
        return reader.closing(export); // the NBD export lives as long as its reader
    }


    // ---------------------------------------------------------------- warm migration

    /**
     * Takes a snapshot for a warm precopy. Refuses VMs without CBT (VMMissingChangedBlockTracking) and
     * VMs with snapshots of their own (MTV does too: deltas must start from a clean chain). A snapshot
     * of ours left by a crash is removed first. CreateSnapshot faults are retried
     * {@code settings.snapshotRetries} times (default 3), then "warm import retry limit reached".
     */
    @Override
    public SnapshotRef createSnapshot(SourceVm vm, String description) {
        ManagedObjectReference vmRef = VimSession.mor("VirtualMachine", vm.id());
        int retries = Integer.parseInt(provider.setting("snapshotRetries", "3"));
        return call("snapshot of " + vm.name(), s -> {
            Map<String, Object> p = s.properties(vmRef, "config", "snapshot");
            VirtualMachineConfigInfo cfg = (VirtualMachineConfigInfo) p.get("config");
            if (cfg == null) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMNotFound", "VM " + vm.id() + " not found");
            }
            if (!Boolean.TRUE.equals(cfg.getChangeTrackingEnabled())) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMMissingChangedBlockTracking",
                        "VM " + vm.name() + " does not have changed block tracking (CBT) enabled;"
                                + " warm migration needs it (set ctkEnabled = TRUE)");
            }
            if (p.get("snapshot") instanceof VirtualMachineSnapshotInfo info) {
                // someone else's snapshot on top of one of ours was taken while this migration ran
                String foreignOnOurs = foreignSnapshotOnOurs(info.getRootSnapshotList(), false);
                if (foreignOnOurs != null) {
                    // a condition on the VM's status, not only the failed precopy's error: it names the snapshot to remove
                    context.sourceVmChanges().report(new SourceVmChange(vm.id(), "VMSnapshottedDuringMigration",
                            io.hoist.api.Condition.Category.Critical, "ForeignSnapshot", "VM " + vm.name() + " got snapshot '"
                            + foreignOnOurs + "' from someone else during the warm migration; remove it, then restart the migration"));
                    throw new HoistException(HoistException.Type.USER_ERROR, "VMSnapshottedDuringMigration",
                            "VM " + vm.name() + " got snapshot '" + foreignOnOurs + "' from someone else during the warm"
                                    + " migration (on top of Hoist's precopy snapshot); remove it, then restart the migration");
                }
                for (VirtualMachineSnapshotTree t : flatten(info.getRootSnapshotList())) {
                    if (t.getName() != null && t.getName().startsWith(SNAPSHOT_PREFIX)) {
                        removeSnapshot(s, t.getSnapshot(), snapshotPoll());
                    } else {
                        throw new HoistException(HoistException.Type.USER_ERROR, "VMHasSnapshots",
                                "VM " + vm.name() + " has snapshot '" + t.getName()
                                        + "'; remove it before a warm migration");
                    }
                }
            }
            VimFault last = null;
            for (int attempt = 0; attempt <= retries; attempt++) {
                String name = SNAPSHOT_PREFIX + "-" + System.currentTimeMillis();
                try {
                    ManagedObjectReference task = s.invoke("CreateSnapshot_Task", vmRef, ManagedObjectReference.class,
                            new Arg("name", "String", name),
                            new Arg("description", "String", description == null ? "" : description),
                            new Arg("memory", "boolean", Boolean.FALSE),
                            new Arg("quiesce", "boolean", Boolean.FALSE));
                    ManagedObjectReference snap;
                    try {
                        snap = (ManagedObjectReference) s.waitForTask(task, TASK_TIMEOUT, snapshotPoll());
                    } catch (IOException e) {
                        // interrupted (cancel) or timed out: the task may still finish, leave nothing behind
                        removeNamedBestEffort(s, vmRef, name);
                        throw e;
                    }
                    return new SnapshotRef(snap.get_value(), changeIds(s, snap));
                } catch (VimFault f) {
                    if (f.is("NotAuthenticated")) {
                        throw f;
                    }
                    last = f;
                    log.log(System.Logger.Level.WARNING, "CreateSnapshot of " + vm.id() + " failed (attempt "
                            + (attempt + 1) + "): " + f.faultType());
                    if (attempt < retries) {
                        Interruptions.sleep(Math.min(30_000L, 1000L << attempt));
                    }
                }
            }
            throw new HoistException(HoistException.Type.UNAVAILABLE, "WarmImportRetryLimitReached",
                    "warm import retry limit reached: snapshots of " + vm.name() + " can no longer be created ("
                            + last.getMessage() + ")", last);
        });
    }

    private static void removeNamedBestEffort(VimSession s, ManagedObjectReference vmRef, String name) {
        Interruptions.runDespiteInterrupt(() -> {
            try {
                if (s.property(vmRef, "snapshot") instanceof VirtualMachineSnapshotInfo info) {
                    for (VirtualMachineSnapshotTree t : flatten(info.getRootSnapshotList())) {
                        if (name.equals(t.getName())) {
                            removeSnapshot(s, t.getSnapshot(), Duration.ofSeconds(1));
                        }
                    }
                }
            } catch (VimFault | IOException ignored) {
                // the next createSnapshot removes any leftover of ours
            }
        });
    }

    /** The name of a snapshot not ours in the subtree of one of ours, or null. */
    private static String foreignSnapshotOnOurs(VirtualMachineSnapshotTree[] trees, boolean underOurs) {
        for (VirtualMachineSnapshotTree t : VimSoapClient.list(trees)) {
            boolean ours = t.getName() != null && t.getName().startsWith(SNAPSHOT_PREFIX);
            if (underOurs && !ours) {
                return t.getName();
            }
            String below = foreignSnapshotOnOurs(t.getChildSnapshotList(), underOurs || ours);
            if (below != null) {
                return below;
            }
        }
        return null;
    }

    private static List<VirtualMachineSnapshotTree> flatten(VirtualMachineSnapshotTree[] roots) {
        List<VirtualMachineSnapshotTree> out = new ArrayList<>();
        for (VirtualMachineSnapshotTree t : VimSoapClient.list(roots)) {
            out.add(t);
            out.addAll(flatten(t.getChildSnapshotList()));
        }
        return out;
    }

    /** Disk key → CBT change id as the snapshot recorded it. */
    private static Map<String, String> changeIds(VimSession s, ManagedObjectReference snap) throws VimFault, IOException {
        Map<String, String> ids = new HashMap<>();
        Object cfg = s.property(snap, "config");
        if (cfg instanceof VirtualMachineConfigInfo c && c.getHardware() != null) {
            for (VirtualDevice d : VimSoapClient.list(c.getHardware().getDevice())) {
                if (d instanceof VirtualDisk vd && vd.getBacking() instanceof VirtualDiskFlatVer2BackingInfo b
                        && b.getChangeId() != null) {
                    ids.put(String.valueOf(vd.getKey()), b.getChangeId());
                }
            }
        }
        return ids;
    }

    @Override
    public void removeSnapshot(SourceVm vm, SnapshotRef snapshot) {
        call("remove snapshot of " + vm.name(), s -> {
            try {
                removeSnapshot(s, VimSession.mor("VirtualMachineSnapshot", snapshot.id()), snapshotPoll());
            } catch (VimFault f) {
                if (!f.is("ManagedObjectNotFound")) {
                    throw f; // already gone is fine: removal is idempotent for cleanup after failures
                }
            }
            return null;
        });
    }

    private static void removeSnapshot(VimSession s, ManagedObjectReference snap, Duration poll) throws VimFault, IOException {
        ManagedObjectReference task = s.invoke("RemoveSnapshot_Task", snap, ManagedObjectReference.class,
                new Arg("removeChildren", "boolean", Boolean.FALSE),
                new Arg("consolidate", "boolean", Boolean.TRUE));
        s.waitForTask(task, TASK_TIMEOUT, poll);
    }

    /**
     * How often snapshot tasks are polled at most: {@code controller_snapshot_status_check_rate_seconds} when the
     * ForkliftController sets it (read live), else 1 s (snapshots of small VMs finish in well under MTV's 10 s).
     */
    Duration snapshotPoll() {
        // a value that is not a number reads as the fallback; admission of the ForkliftController refuses it anyway
        return Duration.ofSeconds(Math.max(1, context.settings().getLong("controller_snapshot_status_check_rate_seconds", 1)));
    }

    /**
     * QueryChangedDiskAreas from {@code previous}'s change id (or "*" for every allocated area) up to
     * {@code current}, paging until the disk's end.
     */
    @Override
    public List<Extent> changedAreas(SourceVm vm, SourceDisk disk, SnapshotRef previous, SnapshotRef current) {
        String changeId = previous == null ? "*" : previous.changeIds().get(disk.id());
        if (changeId == null) {
            throw new HoistException(HoistException.Type.INTERNAL, "MissingChangeId",
                    "snapshot " + previous.id() + " recorded no change id for disk " + disk.id());
        }
        return areas(vm, disk, current, changeId);
    }

    /** QueryChangedDiskAreas paged to the disk's end; {@code snapshot} null asks a powered-off VM's current state. */
    private List<Extent> areas(SourceVm vm, SourceDisk disk, SnapshotRef snapshot, String changeId) {
        int key = Integer.parseInt(disk.id());
        return call("changed areas of disk " + disk.id() + " of " + vm.name(), s -> {
            List<Extent> out = new ArrayList<>();
            long offset = 0;
            while (offset < disk.capacity()) {
                DiskChangeInfo info = s.invoke("QueryChangedDiskAreas", VimSession.mor("VirtualMachine", vm.id()),
                        DiskChangeInfo.class,
                        new Arg("snapshot", "ManagedObjectReference",
                                snapshot == null ? null : VimSession.mor("VirtualMachineSnapshot", snapshot.id())),
                        new Arg("deviceKey", "int", key),
                        new Arg("startOffset", "long", offset),
                        new Arg("changeId", "String", changeId));
                if (info == null || info.getLength() <= 0) {
                    break;
                }
                for (DiskChangeExtent e : VimSoapClient.list(info.getChangedArea())) {
                    out.add(Extent.data(e.getStart(), e.getLength()));
                }
                offset = info.getStartOffset() + info.getLength();
            }
            return out;
        });
    }
}
