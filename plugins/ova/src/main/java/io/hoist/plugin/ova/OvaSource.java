package io.hoist.plugin.ova;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.ova.archive.OvaPackage;
import io.hoist.plugin.ova.inventory.InventoryDocuments;
import io.hoist.plugin.ova.inventory.OvaScanner;
import io.hoist.plugin.ova.inventory.OvaVm;
import io.hoist.plugin.ova.inventory.StableIds;
import io.hoist.plugin.ova.location.NfsMounter;
import io.hoist.plugin.ova.location.ProviderLocation;
import io.hoist.plugin.ova.ovf.OvfEnvelope;
import io.hoist.plugin.ova.disk.BlankDiskReader;
import io.hoist.plugin.ova.disk.VmdkDiskReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An OVA source: a folder (local or an NFS export Hoist mounts read-only) scanned for {@code .ova}
 * archives and unpacked {@code .ovf} packages. Cold migration only: OVA VMs are files, always powered off,
 * so there are no snapshots and power operations do nothing.
 */
public final class OvaSource implements SourceProvider {
    static final String CONNECTION = "ConnectionTestSucceeded";

    private final ProviderConfig config;
    private final HostContext context;
    private final NfsMounter mounter;
    private final System.Logger log;
    private final ProviderLocation location;
    private final String locationError;
    private final String storageId;
    private boolean mounted;
    private volatile List<OvaVm> vms = List.of();
    /** Ids published by the last collection, per collection, so vanished files are removed. */
    private final Map<String, Set<String>> published = new LinkedHashMap<>();

    public OvaSource(ProviderConfig config, HostContext context, NfsMounter mounter) {
        this.config = config;
        this.context = context;
        this.mounter = mounter;
        this.log = context.logger("ova." + config.name());
        ProviderLocation loc = null;
        String error = null;
        try {
            loc = ProviderLocation.parse(OvaProviderFactory.url(config));
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        this.location = loc;
        this.locationError = error;
        // The storage's id is its name: MTV's OVA StorageMaps name it ("Dummy storage for source provider X")
        // and the engine matches a map's source.name against SourceDisk.storageId.
        this.storageId = InventoryDocuments.storageName(config.name());
    }

    /** The folder to scan, mounting the NFS export first when needed. */
    synchronized Path root() {
        if (locationError != null) {
            throw new HoistException(HoistException.Type.USER_ERROR, "UrlNotValid", locationError);
        }
        if (location instanceof ProviderLocation.Local local) {
            return local.path();
        }
        ProviderLocation.Nfs nfs = (ProviderLocation.Nfs) location;
        Path target = context.workDir().resolve("nfs");
        if (!mounted) {
            try {
                mounter.mount(nfs, target);
                mounted = true;
            } catch (NfsMounter.MountException e) {
                HoistException.Type type = "NfsMountFailed".equals(e.reason())
                        ? HoistException.Type.UNAVAILABLE : HoistException.Type.USER_ERROR;
                throw new HoistException(type, e.reason(), e.getMessage());
            }
        }
        return target;
    }

    @Override
    public List<Condition> testConnection() {
        try {
            Path root = root();
            if (!Files.exists(root)) {
                return List.of(failed("ProviderNotReady", "The OVA folder " + root + " does not exist"));
            }
            if (!Files.isReadable(root)) {
                return List.of(failed("ProviderNotReady", "The OVA folder " + root + " is not readable by Hoist"));
            }
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> ignored = Files.newDirectoryStream(root)) {
                    // Listing proves the folder (or the NFS mount behind it) answers.
                } catch (IOException e) {
                    return List.of(failed("ProviderNotReady", "The OVA folder " + root + " cannot be listed: "
                            + e.getMessage()));
                }
            } else if (!root.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.ov[af]")) {
                return List.of(failed("UrlNotValid", "The provider URL names a file that is neither .ova nor .ovf: " + root));
            }
            return List.of(new Condition(CONNECTION, "True", "Tested", Condition.Category.Required,
                    "Connection test succeeded: " + location.display() + " is readable"));
        } catch (HoistException e) {
            return List.of(failed(e.code(), e.getMessage()));
        }
    }

    private static Condition failed(String reason, String message) {
        return new Condition(CONNECTION, "False", reason, Condition.Category.Critical, message);
    }

    /** Scans the folder and remembers the result for {@link #describe} and {@link #openDisk}. */
    List<OvaVm> scan() throws IOException {
        Path root = root();
        if (!Files.exists(root)) {
            throw new HoistException(HoistException.Type.UNAVAILABLE, "ProviderNotReady",
                    "The OVA folder " + root + " does not exist");
        }
        OvaScanner.Result result = OvaScanner.scan(root);
        for (String problem : result.problems()) {
            log.log(System.Logger.Level.WARNING, "skipping unreadable package " + problem);
        }
        vms = result.vms();
        return vms;
    }

    @Override
    public void collectInventory(InventoryPublisher publisher) throws Exception {
        publisher.beginCollection();
        List<OvaVm> found;
        try {
            found = scan();
        } catch (HoistException | IOException e) {
            publisher.fail(e.getMessage());
            throw e;
        }
        Map<String, Set<String>> now = new LinkedHashMap<>();
        Map<String, Object> storage = InventoryDocuments.storage(config.uid(), config.name());
        put(publisher, now, "storages", storageId, storageId, storage);
        Map<String, String> networkDescriptions = new LinkedHashMap<>();
        for (OvaVm vm : found) {
            for (OvfEnvelope.Network n : vm.networks()) {
                if (n.name() != null) {
                    networkDescriptions.putIfAbsent(n.name(), n.description());
                }
            }
            for (OvfEnvelope.Nic nic : vm.system().nics()) {
                if (nic.network() != null && !nic.network().isBlank()) {
                    networkDescriptions.putIfAbsent(nic.network(), null);
                }
            }
        }
        networkDescriptions.forEach((name, description) -> put(publisher, now, "networks",
                StableIds.network(name), name, InventoryDocuments.network(name, description)));
        for (OvaVm vm : found) {
            Map<String, Object> doc = InventoryDocuments.vm(vm);
            put(publisher, now, "vms", vm.id(), vm.name(), doc);
            publisher.putWorkload(vm.id(), doc);
            for (OvaVm.Disk d : vm.disks()) {
                put(publisher, now, "disks", d.id(), d.name(), InventoryDocuments.disk(vm, d));
            }
        }
        synchronized (published) {
            for (Map.Entry<String, Set<String>> before : published.entrySet()) {
                Set<String> still = now.getOrDefault(before.getKey(), Set.of());
                for (String id : before.getValue()) {
                    if (!still.contains(id)) {
                        publisher.remove(before.getKey(), id);
                    }
                }
            }
            published.clear();
            published.putAll(now);
        }
        publisher.endCollection();
    }

    private static void put(InventoryPublisher p, Map<String, Set<String>> now, String collection, String id,
                            String name, Object doc) {
        p.put(collection, id, name, doc);
        now.computeIfAbsent(collection, k -> new HashSet<>()).add(id);
    }

    @Override
    public Optional<SourceVm> describe(VmRef ref) throws Exception {
        return find(ref).map(this::toSourceVm);
    }

    /**
     * The size a target disk needs: the OVF capacity, or the VMDK's virtual size when that is larger
     * (qemu-img rounds up to whole sectors; a careless OVF may understate it). Never less than the bytes
     * the reader yields, so no write can fall outside the target.
     */
    private long targetCapacity(OvaVm vm, OvaVm.Disk d) {
        if (d.href() == null || d.unsupported() != null) {
            return d.capacity();
        }
        OvaPackage pkg = vm.pkg();
        try (VmdkDiskReader r = VmdkDiskReader.open(pkg.open(d.href()), n -> pkg.open(OvaPackage.sibling(d.href(), n)))) {
            return Math.max(d.capacity(), r.size());
        } catch (IOException e) {
            // openDisk reports the problem with the full message when the disk is actually read.
            return d.capacity();
        }
    }

    /** By id, then by name; scans again when the last scan does not know the VM (a file added since). */
    private Optional<OvaVm> find(VmRef ref) throws IOException {
        Optional<OvaVm> vm = lookup(vms, ref);
        return vm.isPresent() ? vm : lookup(scan(), ref);
    }

    private static Optional<OvaVm> lookup(List<OvaVm> list, VmRef ref) {
        if (ref.id() != null && !ref.id().isEmpty()) {
            Optional<OvaVm> byId = list.stream().filter(v -> v.id().equals(ref.id())).findFirst();
            if (byId.isEmpty() && StableIds.isUuid(ref.id())) {
                // MTV names a VM by its OVF VirtualSystem id when that is a UUID: plans written for MTV still work.
                List<OvaVm> byOvfId = list.stream().filter(v -> ref.id().equalsIgnoreCase(v.system().id())).toList();
                requireUnique(byOvfId, "id '" + ref.id() + "'");
                byId = byOvfId.stream().findFirst();
            }
            if (byId.isPresent() || ref.name() == null || ref.name().isEmpty()) {
                return byId;
            }
        }
        if (ref.name() == null || ref.name().isEmpty()) {
            return Optional.empty();
        }
        List<OvaVm> named = list.stream().filter(v -> ref.name().equals(v.name())).toList();
        requireUnique(named, "name '" + ref.name() + "'");
        return named.stream().findFirst();
    }

    private static void requireUnique(List<OvaVm> matches, String what) {
        if (matches.size() > 1) {
            List<String> where = matches.stream().map(v -> v.id() + " (" + v.pkg().relativePath() + ")").toList();
            throw new HoistException(HoistException.Type.USER_ERROR, "VMNameAmbiguous", "vms: " + what
                    + " matches " + matches.size() + " OVA VMs; name one by its Hoist id: " + where);
        }
    }

    SourceVm toSourceVm(OvaVm vm) {
        OvfEnvelope.VirtualSystem s = vm.system();
        int cores = s.coresPerSocket();
        List<SourceDisk> disks = new ArrayList<>();
        for (OvaVm.Disk d : vm.disks()) {
            disks.add(new SourceDisk(d.id(), d.href() != null ? d.href() : d.name(), targetCapacity(vm, d), storageId,
                    d.bus(), false, 0));
        }
        List<SourceNic> nics = new ArrayList<>();
        for (OvfEnvelope.Nic n : s.nics()) {
            String network = n.network() == null || n.network().isBlank() ? null : n.network();
            nics.add(new SourceNic(n.name(), n.mac(), network == null ? null : StableIds.network(network), network,
                    n.model()));
        }
        return new SourceVm(vm.id(), vm.name(), s.cpuCount() / cores, cores, 1, s.memoryBytes(),
                "efi".equals(s.firmware()) ? Firmware.EFI : Firmware.BIOS, s.secureBoot(), PowerState.OFF, null,
                s.osType() != null ? s.osType() : s.osDescription(), disks, nics);
    }

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws Exception {
        if (snapshot != null) {
            throw HoistException.notSupported("Snapshots (warm migration) of OVA VMs");
        }
        OvaVm found = find(new VmRef(vm.id(), vm.name())).orElseThrow(() -> new HoistException(
                HoistException.Type.USER_ERROR, "VMNotFound", "VM " + vm.id() + " (" + vm.name()
                + ") is no longer in the OVA folder"));
        OvaVm.Disk d = found.disks().stream().filter(x -> x.id().equals(disk.id())).findFirst()
                .orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR, "DiskNotFound",
                        "VM " + vm.name() + " has no disk " + disk.id()));
        if (d.href() == null) {
            return new BlankDiskReader(d.capacity(), d.name());
        }
        if (d.unsupported() != null) {
            throw new HoistException(HoistException.Type.NOT_SUPPORTED, "DiskFormatNotSupported",
                    found.pkg().relativePath() + ": " + d.unsupported());
        }
        OvaPackage pkg = found.pkg();
        try {
            return VmdkDiskReader.open(pkg.open(d.href()), name -> pkg.open(OvaPackage.sibling(d.href(), name)));
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "DiskFileMissing", e.getMessage(), e);
        } catch (IOException e) {
            throw new HoistException(HoistException.Type.USER_ERROR, "DiskNotReadable",
                    pkg.relativePath() + ": disk " + d.href() + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        return PowerState.OFF;
    }

    /** Nothing to do: an exported VM does not run. */
    @Override
    public void powerOff(SourceVm vm) {}

    /** Nothing to do: the source stays a file; the target VM is what starts. */
    @Override
    public void powerOn(SourceVm vm) {}

    @Override
    public synchronized void close() {
        if (mounted) {
            try {
                mounter.unmount(context.workDir().resolve("nfs"));
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "unmounting " + location.display() + " failed: " + e.getMessage());
            }
            mounted = false;
        }
    }
}
