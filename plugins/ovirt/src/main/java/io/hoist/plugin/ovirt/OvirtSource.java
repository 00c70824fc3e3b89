package io.hoist.plugin.ovirt;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.ChangedAreas;
import io.hoist.api.source.DetachesDisks;
import io.hoist.api.source.ExternalVolume;
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
import io.hoist.api.source.VmRef;
import io.hoist.api.source.WatchesInventory;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ovirt.backup.CheckpointLedger;
import io.hoist.plugin.ovirt.backup.IncrementalBackups;
import io.hoist.plugin.ovirt.client.EngineClient;
import io.hoist.plugin.ovirt.disk.ImageTransfers;
import io.hoist.plugin.ovirt.disk.ImageioDiskReader;
import io.hoist.plugin.ovirt.inventory.InventoryCollector;
import io.hoist.plugin.support.Failures;
import io.hoist.plugin.support.ProviderConditions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;
import org.ovirt.engine.sdk4.types.Cluster;
import org.ovirt.engine.sdk4.types.Disk;
import org.ovirt.engine.sdk4.types.DiskAttachment;
import org.ovirt.engine.sdk4.types.Nic;
import org.ovirt.engine.sdk4.types.SystemOption;
import org.ovirt.engine.sdk4.types.SystemOptionValue;
import org.ovirt.engine.sdk4.types.ReportedDevice;
import org.ovirt.engine.sdk4.types.Vm;
import org.ovirt.engine.sdk4.types.VmStatus;
import org.ovirt.engine.sdk4.types.VnicProfile;

/**
 * A connected oVirt engine: inventory (kept current from the event log), VM description, power, cold disk reads
 * through image transfers and imageio, and warm precopies through incremental backups. Calls block; the host runs
 * them on this provider's worker pool, as the SourceProvider contract says.
 */
public final class OvirtSource implements SourceProvider, Snapshots, ChangedAreas, WatchesInventory, ReportsGuestAddresses,
        DetachesDisks {
    private final ProviderConfig provider;
    private final HostContext context;
    private final System.Logger log;
    private final InventoryCollector collector;
    /** Warm reads: the transfer a changedAreas call opened, handed to the openDisk that follows (backup/disk). */
    private final Map<String, ImageioDiskReader> opened = new ConcurrentHashMap<>();
    /** The engine's ServerCPUList by cluster level ("4.4"): it changes only with an engine upgrade. */
    private final Map<String, String> serverCpuLists = new ConcurrentHashMap<>();
    /** VM id → the NICs its guest agent last reported while it ran (the engine reports none for a VM that is down). */
    private final Map<String, List<ReportedDevice>> lastReportedDevices = new ConcurrentHashMap<>();
    private EngineClient client;
    private IncrementalBackups backups;

    public OvirtSource(ProviderConfig provider, HostContext context) {
        this.provider = provider;
        this.context = context;
        this.log = context.logger("ovirt." + provider.name());
        this.collector = new InventoryCollector(log);
    }

    private OvirtConfig config() {
        try {
            return OvirtConfig.of(provider);
        } catch (IllegalArgumentException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "ProviderNotValid", e.getMessage());
        }
    }

    private synchronized EngineClient client() {
        if (client == null) {
            client = EngineClient.open(config(), context.http());
            backups = new IncrementalBackups(client, new CheckpointLedger(context.workDir().resolve("checkpoints")));
        }
        return client;
    }

    private synchronized IncrementalBackups backups() {
        client();
        return backups;
    }

    // ---------------------------------------------------------------- connection

    @Override
    public List<Condition> testConnection() {
        List<Condition> problems = OvirtConfig.validate(provider);
        if (!problems.isEmpty()) {
            return ProviderConditions.testNotRun(problems);
        }
        OvirtConfig c = config();
        EngineClient probe = EngineClient.open(c, context.http());
        try {
            var api = probe.system().get().send().api();
            String product = api.productInfoPresent() && api.productInfo().namePresent() ? api.productInfo().name() : "oVirt";
            String version = api.productInfoPresent() && api.productInfo().versionPresent()
                    && api.productInfo().version().fullVersionPresent() ? " " + api.productInfo().version().fullVersion() : "";
            return List.of(Condition.isTrue("ConnectionTestSucceeded", "Tested", Condition.Category.Required,
                    "Connected to " + product + version + " at " + c.api().getHost() + " as " + c.user()));
        } catch (RuntimeException e) {
            return connectionFailure(c, e);
        } finally {
            probe.close();
        }
    }

    static List<Condition> connectionFailure(OvirtConfig c, Throwable e) {
        String host = c.api().getHost();
        if (EngineClient.isAuthFailure(e)) {
            return ProviderConditions.testFailed("ConnectionAuthFailed", "Login to " + host + " as " + c.user()
                    + " failed: the engine refused the user or password in the Secret");
        }
        if (Failures.causedBy(e, SSLException.class) || Failures.causedBy(e, java.security.cert.CertificateException.class)) {
            String why = c.tls().caCertPem() != null
                    ? "its certificate is not signed by the CA in the Secret (cacert)"
                    : "its certificate is not trusted; set cacert in the Secret (the engine's CA) or, to skip verification,"
                            + " insecureSkipVerify: \"true\"";
            return ProviderConditions.testFailed("TLSVerificationFailed", "TLS verification of " + host + " failed: " + why
                    + " (" + Failures.rootMessage(e) + ")");
        }
        if (Failures.causedBy(e, UnknownHostException.class) || Failures.causedBy(e, ConnectException.class)
                || Failures.causedBy(e, java.net.SocketTimeoutException.class)
                || Failures.causedBy(e, java.net.NoRouteToHostException.class)) {
            return ProviderConditions.testFailed("ConnectionFailed", "Cannot reach " + c.api() + ": " + Failures.rootMessage(e));
        }
        int status = EngineClient.httpStatus(e);
        if (status == 404) {
            return ProviderConditions.testFailed("UrlNotValid", c.api() + " answered 404: no oVirt API at this path (expected https://<engine>"
                    + OvirtConfig.API_PATH + ")");
        }
        return ProviderConditions.testFailed("ConnectionTestFailed", "Connection test of " + c.api() + " failed: " + Failures.rootMessage(e));
    }

    @Override
    public void close() {
        EngineClient c;
        synchronized (this) {
            c = client;
            client = null;
        }
        opened.values().forEach(r -> {
            try {
                r.close();
            } catch (RuntimeException ignored) {
                // closing the provider closes what it opened
            }
        });
        opened.clear();
        if (c != null) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- inventory

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        collector.collectAll(client(), publisher);
    }

    @Override
    public void watch(InventoryPublisher publisher, BooleanSupplier stop) throws InterruptedException {
        long seconds = Math.max(1, Long.parseLong(provider.setting("eventPollSeconds", "5").trim()));
        collector.watch(client(), publisher, stop, Duration.ofMillis(Long.getLong("hoist.ovirt.eventPollMillis", seconds * 1000)));
    }

    // ---------------------------------------------------------------- VMs

    @Override
    public Optional<SourceVm> describe(VmRef ref) {
        Vm v = find(ref);
        return v == null ? Optional.empty() : Optional.of(toSourceVm(v));
    }

    private Vm find(VmRef ref) {
        EngineClient c = client();
        if (ref.id() != null && !ref.id().isBlank()) {
            try {
                return c.call("VM " + ref.id(), s -> s.vmsService().vmService(ref.id()).get()
                        .follow("nics,diskattachments").send().vm());
            } catch (HoistException e) {
                if (!"NotFound".equals(e.code())) {
                    throw e;
                }
            }
        }
        if (ref.name() == null || ref.name().isBlank()) {
            return null;
        }
        List<Vm> found = c.call("VM named " + ref.name(), s -> s.vmsService().list().search("name=" + ref.name())
                .follow("nics,diskattachments").send().vms());
        return found.stream().filter(v -> ref.name().equals(v.name())).findFirst().orElse(null);
    }

    private SourceVm toSourceVm(Vm v) {
        EngineClient c = client();
        List<SourceDisk> disks = new ArrayList<>();
        for (DiskAttachment a : v.diskAttachmentsPresent() ? v.diskAttachments() : List.<DiskAttachment>of()) {
            if (a.activePresent() && !a.active()) {
                continue; // a deactivated disk is not part of the running VM (MTV skips it too)
            }
            String diskId = a.disk().id();
            Disk d = c.call("disk " + diskId, s -> s.disksService().diskService(diskId).get().send().disk());
            String sd = d.storageDomainsPresent() && !d.storageDomains().isEmpty() ? d.storageDomains().get(0).id()
                    : d.storageDomainPresent() ? d.storageDomain().id() : null;
            boolean lun = d.storageTypePresent() && "lun".equals(d.storageType().value());
            String name = d.namePresent() && d.name() != null ? d.name() : d.aliasPresent() ? d.alias() : diskId;
            long capacity = lun && d.lunStoragePresent() && d.lunStorage().logicalUnitsPresent()
                    && !d.lunStorage().logicalUnits().isEmpty() && d.lunStorage().logicalUnits().get(0).sizePresent()
                    ? d.lunStorage().logicalUnits().get(0).size().longValue()
                    : d.provisionedSizePresent() ? d.provisionedSize().longValue() : 0;
            boolean shared = d.shareablePresent() && d.shareable();
            ExternalVolume volume = lun ? lunVolume(d, a.readOnlyPresent() && a.readOnly()) : null;
            disks.add(new SourceDisk(diskId, name, capacity, lun ? "lun" : sd,
                    a.interface_Present() ? a.interface_().value() : "virtio",
                    shared, a.bootablePresent() && a.bootable() ? 1 : 0, null, null, shared ? diskId : null, volume));
        }
        List<SourceNic> nics = new ArrayList<>();
        for (Nic n : v.nicsPresent() ? v.nics() : List.<Nic>of()) {
            String netId = null;
            String netName = null;
            if (n.vnicProfilePresent() && n.vnicProfile().id() != null) {
                String pid = n.vnicProfile().id();
                VnicProfile p = c.call("vNIC profile " + pid, s -> s.vnicProfilesService().profileService(pid).get().send().profile());
                if (p.networkPresent() && p.network().id() != null) {
                    netId = p.network().id();
                    String nid = netId;
                    netName = c.call("network " + nid, s -> s.networksService().networkService(nid).get().send().network()).name();
                }
            }
            nics.add(new SourceNic(n.name(), n.macPresent() ? n.mac().address() : null, netId, netName,
                    n.interface_Present() ? n.interface_().value() : null));
        }
        Cluster cluster = v.clusterPresent() && v.cluster().id() != null
                ? c.call("cluster of " + v.name(), s -> s.clustersService().clusterService(v.cluster().id()).get().send().cluster())
                : null;
        String bios = v.biosPresent() && v.bios().typePresent() ? v.bios().type().value() : null;
        if ((bios == null || "cluster_default".equals(bios)) && cluster != null && cluster.biosTypePresent()) {
            bios = cluster.biosType().value();
        }
        boolean efi = bios != null && (bios.equals("q35_ovmf") || bios.equals("q35_secure_boot"));
        String cpuModel = v.customCpuModelPresent() ? CpuModels.modelOf(v.customCpuModel()) : null;
        if (cpuModel == null && cluster != null) {
            cpuModel = clusterCpuModel(cluster);
        }
        boolean topo = v.cpuPresent() && v.cpu().topologyPresent();
        return new SourceVm(v.id(), v.name(),
                topo ? v.cpu().topology().socketsAsInteger() : 1, topo ? v.cpu().topology().coresAsInteger() : 1,
                topo ? v.cpu().topology().threadsAsInteger() : 1,
                v.memoryPresent() ? v.memory().longValue() : 0, efi ? Firmware.EFI : Firmware.BIOS,
                "q35_secure_boot".equals(bios), toPowerState(v.statusPresent() ? v.status() : null),
                v.hostPresent() && v.host() != null ? v.host().id() : null,
                v.osPresent() && v.os().typePresent() ? v.os().type() : null, disks, nics, cpuModel,
                // MTV 2.10 sets the target clock to the VM's own time zone (forklift ovirt builder.go, mapClock)
                new SourceVm.Identity(null, null, false,
                        v.timeZonePresent() && v.timeZone().namePresent() ? v.timeZone().name() : null, null),
                new SourceVm.Checks(false,
                        GuestAgentAddresses.macsWithAddresses(reportedDevices(v.id())), null, false));
    }

    /**
     * The guest agent's NICs: what it reports now, else (a VM that is down, as at conversion time, reports none)
     * what it last reported to this provider.
     */
    private List<ReportedDevice> reportedDevices(String vmId) {
        List<ReportedDevice> now;
        try {
            now = client().call("reported devices of VM " + vmId,
                    s -> s.vmsService().vmService(vmId).reportedDevicesService().list().send().reportedDevice());
        } catch (HoistException e) {
            if (!"NotFound".equals(e.code())) {
                throw e;
            }
            now = List.of(); // an engine without the collection: nothing reported
        }
        if (now != null && !now.isEmpty()) {
            lastReportedDevices.put(vmId, List.copyOf(now));
            return now;
        }
        return lastReportedDevices.getOrDefault(vmId, List.of());
    }

    @Override
    public List<GuestAddress> guestAddresses(SourceVm vm) {
        return GuestAgentAddresses.of(reportedDevices(vm.id()));
    }

    /**
     * The libvirt model of the cluster's CPU family (what preserveClusterCpuModel keeps), from the engine's
     * ServerCPUList for the cluster's level; null, with a warning naming the cluster, when the engine does not say.
     */
    private String clusterCpuModel(Cluster cluster) {
        if (!(cluster.cpuPresent() && cluster.cpu().typePresent() && cluster.versionPresent())) {
            return null;
        }
        String family = cluster.cpu().type();
        String level = cluster.version().major() + "." + cluster.version().minor();
        String list = serverCpuLists.computeIfAbsent(level, this::serverCpuList);
        String model = CpuModels.ofFamily(list, family);
        if (model == null) {
            log.log(System.Logger.Level.WARNING, "cluster " + cluster.name() + ": CPU family '" + family + "' is not in the"
                    + " engine's ServerCPUList for level " + level + "; a plan with preserveClusterCpuModel gives its VMs no CPU model");
        }
        return model;
    }

    private String serverCpuList(String level) {
        try {
            SystemOption o = client().call("option ServerCPUList " + level, s -> s.optionsService()
                    .optionService("ServerCPUList").get().version(level).send().option());
            return (o.valuesPresent() ? o.values() : List.<SystemOptionValue>of()).stream()
                    .filter(val -> !val.versionPresent() || level.equals(val.version()))
                    .map(SystemOptionValue::value).filter(java.util.Objects::nonNull).findFirst().orElse("");
        } catch (HoistException e) {
            log.log(System.Logger.Level.WARNING, "cannot read the engine's ServerCPUList for level " + level + ": " + e.getMessage());
            return "";
        }
    }

    private static PowerState toPowerState(VmStatus s) {
        if (s == VmStatus.UP || s == VmStatus.POWERING_UP || s == VmStatus.REBOOT_IN_PROGRESS || s == VmStatus.PAUSED) {
            return PowerState.ON;
        }
        if (s == VmStatus.DOWN) {
            return PowerState.OFF;
        }
        return PowerState.UNKNOWN;
    }

    private VmStatus status(SourceVm vm) {
        Vm v = client().call("VM " + vm.name(), s -> s.vmsService().vmService(vm.id()).get().send().vm());
        return v.statusPresent() ? v.status() : VmStatus.UNKNOWN;
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        return toPowerState(status(vm));
    }

    /** Stops the VM (MTV powers off without a guest shutdown, so the cutover time is predictable). */
    @Override
    public void powerOff(SourceVm vm) {
        if (status(vm) == VmStatus.DOWN) {
            return;
        }
        client().call("power off " + vm.name(), s -> s.vmsService().vmService(vm.id()).stop().send());
    }

    @Override
    public void powerOn(SourceVm vm) {
        if (toPowerState(status(vm)) == PowerState.ON) {
            return;
        }
        client().call("power on " + vm.name(), s -> s.vmsService().vmService(vm.id()).start().send());
    }

    // ---------------------------------------------------------------- disks

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws IOException {
        refuseLun(vm, disk);
        if (snapshot == null) {
            VmStatus st = status(vm);
            if (st != VmStatus.DOWN) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMNotPoweredOff", "VM " + vm.name() + " is "
                        + st.value() + "; its disks are downloaded only when it is down (cold) or through a backup (warm)");
            }
            return open(vm, disk, null);
        }
        ImageioDiskReader ready = opened.remove(snapshot.id() + "/" + disk.id());
        return ready != null ? ready : open(vm, disk, snapshot.id());
    }

    /** A LUN is handed over, never read: the engine asking for its bytes is a bug, a LUN without storage details a user's. */
    private static void refuseLun(SourceVm vm, SourceDisk disk) {
        if ("lun".equals(disk.storageId())) {
            throw new HoistException(HoistException.Type.NOT_SUPPORTED, "LunDiskNotSupported", disk.external()
                    ? "disk " + disk.name() + " of " + vm.name() + " is a direct LUN: it is attached to the target, not copied"
                    : "disk " + disk.name() + " of " + vm.name() + " is a direct LUN whose logical unit the engine does not"
                            + " report (no lun_storage/logical_units): Hoist cannot attach it to the target");
        }
    }

    /**
     * The volume of a direct LUN disk from its {@code lun_storage}, as forklift reads it: a logical unit with an address
     * is iSCSI ({@code address:port}, target IQN, {@code lun_mapping}), one without is FC (its id is the WWID). Null
     * when the engine reports no logical unit (then the disk cannot be handed over and opening it says why).
     */
    static ExternalVolume lunVolume(Disk d, boolean readOnly) {
        if (!d.lunStoragePresent() || d.lunStorage() == null || !d.lunStorage().logicalUnitsPresent()
                || d.lunStorage().logicalUnits().isEmpty()) {
            return null;
        }
        org.ovirt.engine.sdk4.types.LogicalUnit u = d.lunStorage().logicalUnits().get(0);
        long size = u.sizePresent() ? u.size().longValue() : 0;
        int lun = u.lunMappingPresent() && u.lunMapping() != null ? u.lunMapping().intValue() : 0;
        if (u.addressPresent() && u.address() != null && !u.address().isBlank()) {
            String port = u.portPresent() && u.port() != null ? u.port().toString() : "3260";
            return ExternalVolume.iscsi(u.id(), size, readOnly, u.address() + ":" + port, u.target(), lun);
        }
        return ExternalVolume.fc(u.id(), size, readOnly, List.of(u.id()));
    }

    /**
     * Detaches a direct LUN from the source VM once the target VM has it: {@code DELETE vms/{id}/diskattachments/{id}}
     * with {@code detach_only}, so the disk (and the LUN's data) stays in the engine. An attachment already gone (a
     * retry) is fine.
     */
    @Override
    public void detachDisk(SourceVm vm, SourceDisk disk) {
        EngineClient c = client();
        // The engine names an attachment by its disk's id; looking it up by the disk keeps that an engine detail.
        List<DiskAttachment> attachments = c.call("disk attachments of " + vm.name(),
                s -> s.vmsService().vmService(vm.id()).diskAttachmentsService().list().send().attachments());
        for (DiskAttachment a : attachments) {
            if (a.diskPresent() && disk.id().equals(a.disk().id())) {
                try {
                    c.call("detaching disk " + disk.name() + " from " + vm.name(), s -> s.vmsService().vmService(vm.id())
                            .diskAttachmentsService().attachmentService(a.id()).remove().detachOnly(true).send());
                } catch (HoistException e) {
                    if (!"NotFound".equals(e.code())) {
                        throw e;
                    }
                }
            }
        }
    }

    private ImageioDiskReader open(SourceVm vm, SourceDisk disk, String backupId) throws IOException {
        EngineClient c = client();
        ImageTransfers transfers = new ImageTransfers(c);
        HttpClient http = context.http().client(c.config().tls(), Duration.ofSeconds(20));
        return ImageioDiskReader.open(transfers, () -> transfers.start(disk.id(), backupId), context.diskIo(), http,
                c.config().tls(), "disk " + disk.name() + " of " + vm.name());
    }

    // ---------------------------------------------------------------- warm migration

    /**
     * A precopy: an incremental backup of the VM's image disks (the first one full). VMs whose disks cannot take
     * part in incremental backups (raw disks, disks without {@code backup: incremental}) are refused with
     * VMIncrementalBackupNotEnabled, as are VMs with direct LUN disks.
     */
    @Override
    public SnapshotRef createSnapshot(SourceVm vm, String description) {
        EngineClient c = client();
        List<String> diskIds = new ArrayList<>();
        List<String> notIncremental = new ArrayList<>();
        for (SourceDisk d : vm.disks()) {
            if ("lun".equals(d.storageId())) {
                throw new HoistException(HoistException.Type.NOT_SUPPORTED, "LunDiskNotSupported",
                        "VM " + vm.name() + " has the direct LUN disk " + d.name() + "; warm migration copies image disks only");
            }
            Disk disk = c.call("disk " + d.id(), s -> s.disksService().diskService(d.id()).get().send().disk());
            if (!(disk.backupPresent() && "incremental".equals(disk.backup().value()))) {
                notIncremental.add(d.name());
            }
            diskIds.add(d.id());
        }
        if (!notIncremental.isEmpty()) {
            throw new HoistException(HoistException.Type.USER_ERROR, "VMIncrementalBackupNotEnabled",
                    "VM " + vm.name() + " cannot be migrated warm: incremental backup is not enabled on disk(s) "
                            + String.join(", ", notIncremental) + " (enable it in the disk's settings; raw disks need"
                            + " converting to qcow2), or migrate the VM cold");
        }
        closeOpenedTransfers(vm);
        return backups().create(vm.id(), vm.name(), diskIds, description);
    }

    /**
     * Transfers a changedAreas call opened that no openDisk took over: the engine finalizes the VM's previous backup
     * before the next one starts, and it cannot while a transfer of it is open.
     */
    private void closeOpenedTransfers(SourceVm vm) {
        List<String> suffixes = vm.disks().stream().map(d -> "/" + d.id()).toList();
        opened.entrySet().removeIf(e -> {
            if (suffixes.stream().anyMatch(e.getKey()::endsWith)) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    @Override
    public void removeSnapshot(SourceVm vm, SnapshotRef snapshot) {
        opened.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(snapshot.id() + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        backups().remove(vm.id(), snapshot);
    }

    /**
     * What the backup {@code current} must copy: with {@code previous} the areas dirtied since previous's checkpoint
     * ({@code context=dirty}); without it, or when the backup did not start from previous's checkpoint (a backup
     * taken again after a crash), every allocated area ({@code context=zero}).
     */
    @Override
    public List<Extent> changedAreas(SourceVm vm, SourceDisk disk, SnapshotRef previous, SnapshotRef current) throws IOException {
        String key = current.id() + "/" + disk.id();
        ImageioDiskReader reader = opened.get(key);
        if (reader == null) {
            reader = open(vm, disk, current.id());
            ImageioDiskReader raced = opened.putIfAbsent(key, reader);
            if (raced != null) {
                reader.close();
                reader = raced;
            }
        }
        String from = backups().fromCheckpoint(vm.id(), current.id());
        String previousCheckpoint = previous == null ? null : previous.changeIds().get(disk.id());
        if (previous != null && from != null && from.equals(previousCheckpoint)) {
            return reader.dirtyExtents();
        }
        if (previous != null) {
            log.log(System.Logger.Level.WARNING, "backup " + current.id() + " of " + vm.name() + " did not start from the"
                    + " previous precopy's checkpoint; copying every allocated area of disk " + disk.name());
        }
        return reader.extents(0, reader.size());
    }
}
