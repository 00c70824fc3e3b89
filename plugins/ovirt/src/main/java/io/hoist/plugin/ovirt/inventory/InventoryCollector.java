package io.hoist.plugin.ovirt.inventory;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.ovirt.client.EngineClient;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.ovirt.engine.sdk4.services.SystemService;
import org.ovirt.engine.sdk4.types.Cluster;
import org.ovirt.engine.sdk4.types.DataCenter;
import org.ovirt.engine.sdk4.types.Disk;
import org.ovirt.engine.sdk4.types.DiskProfile;
import org.ovirt.engine.sdk4.types.Event;
import org.ovirt.engine.sdk4.types.Host;
import org.ovirt.engine.sdk4.types.Network;
import org.ovirt.engine.sdk4.types.StorageDomain;
import org.ovirt.engine.sdk4.types.Vm;
import org.ovirt.engine.sdk4.types.VnicProfile;

/**
 * The engine's inventory, published through the platform's inventory service under MTV's oVirt collections:
 * a full collection (one list request per collection; VMs with their NICs, disk attachments, snapshots,
 * watchdogs, host devices and NUMA nodes in the same answer through {@code follow}), then kept current from the
 * engine's event log ({@code /events?from=<index>}): each new event re-reads only the objects it names.
 */
public final class InventoryCollector {
    /** What a VM's list or get asks the engine to embed, so one request brings everything the rules read. */
    public static final String VM_FOLLOW = "nics,diskattachments,snapshots,watchdogs,hostdevices,numanodes";

    private final System.Logger log;
    private final Map<String, Map<String, Object>> clusters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> disks = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> profiles = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> vms = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> dataCenters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> hosts = new ConcurrentHashMap<>();
    private volatile long lastEvent = -1;

    public InventoryCollector(System.Logger log) {
        this.log = log;
    }

    /** The index of the last event applied; -1 before the first collection. */
    public long lastEvent() {
        return lastEvent;
    }

    /** A full collection: every collection listed and published, the event index taken first so no change is lost. */
    public synchronized void collectAll(EngineClient client, InventoryPublisher publisher) {
        publisher.beginCollection();
        try {
            long from = client.call("newest event", s -> newestEvent(s));
            collectEverything(client, publisher);
            lastEvent = from;
        } catch (RuntimeException e) {
            publisher.fail("inventory collection failed: " + e.getMessage());
            throw e;
        } finally {
            publisher.endCollection();
        }
    }

    private void collectEverything(EngineClient client, InventoryPublisher publisher) {
        clusters.clear();
        disks.clear();
        profiles.clear();
        vms.clear();
        dataCenters.clear();
        hosts.clear();
        for (DataCenter dc : client.call("data centers", s -> s.dataCentersService().list().send().dataCenters())) {
            putDataCenter(publisher, dc);
        }
        for (Cluster c : client.call("clusters", s -> s.clustersService().list().send().clusters())) {
            putCluster(publisher, c);
        }
        for (Host h : client.call("hosts", s -> s.hostsService().list().send().hosts())) {
            putHost(publisher, h);
        }
        for (StorageDomain sd : client.call("storage domains", s -> s.storageDomainsService().list().send().storageDomains())) {
            publisher.put("storagedomains", sd.id(), sd.name(), Documents.storageDomain(sd));
        }
        publishNetworks(client, publisher);
        for (DiskProfile p : client.call("disk profiles", s -> s.diskProfilesService().list().send().profile())) {
            publisher.put("diskprofiles", p.id(), p.name(), Documents.diskProfile(p));
        }
        for (Disk d : client.call("disks", s -> s.disksService().list().send().disks())) {
            putDisk(publisher, d);
        }
        for (Vm v : client.call("VMs", s -> s.vmsService().list().follow(VM_FOLLOW).send().vms())) {
            putVm(publisher, v);
        }
        publishTrees(publisher);
    }

    private void publishNetworks(EngineClient client, InventoryPublisher publisher) {
        List<VnicProfile> ps = client.call("vNIC profiles", s -> s.vnicProfilesService().list().send().profiles());
        Map<String, List<String>> byNetwork = new HashMap<>();
        for (VnicProfile p : ps) {
            Map<String, Object> doc = Documents.nicProfile(p);
            profiles.put(p.id(), doc);
            publisher.put("nicprofiles", p.id(), p.name(), doc);
            byNetwork.computeIfAbsent(String.valueOf(doc.get("network")), k -> new ArrayList<>()).add(p.id());
        }
        for (Network n : client.call("networks", s -> s.networksService().list().send().networks())) {
            publisher.put("networks", n.id(), n.name(), Documents.network(n, byNetwork.getOrDefault(n.id(), List.of())));
        }
    }

    private void putDataCenter(InventoryPublisher publisher, DataCenter dc) {
        Map<String, Object> doc = Documents.dataCenter(dc);
        dataCenters.put(dc.id(), doc);
        publisher.put("datacenters", dc.id(), dc.name(), doc);
    }

    private void putCluster(InventoryPublisher publisher, Cluster c) {
        Map<String, Object> doc = Documents.cluster(c);
        clusters.put(c.id(), doc);
        publisher.put("clusters", c.id(), c.name(), doc);
    }

    private void putHost(InventoryPublisher publisher, Host h) {
        Map<String, Object> doc = Documents.host(h, Map.of());
        hosts.put(h.id(), doc);
        publisher.put("hosts", h.id(), h.name(), doc);
    }

    private void putDisk(InventoryPublisher publisher, Disk d) {
        Map<String, Object> doc = Documents.disk(d);
        disks.put(d.id(), doc);
        publisher.put("disks", d.id(), String.valueOf(doc.get("name")), doc);
    }

    private void putVm(InventoryPublisher publisher, Vm v) {
        Map<String, Object> doc = Documents.vm(v, list(v.nicsPresent() ? v.nics() : null),
                list(v.diskAttachmentsPresent() ? v.diskAttachments() : null), list(v.snapshotsPresent() ? v.snapshots() : null),
                list(v.watchdogsPresent() ? v.watchdogs() : null), list(v.hostDevicesPresent() ? v.hostDevices() : null),
                list(v.numaNodesPresent() ? v.numaNodes() : null), disks, profiles,
                v.clusterPresent() ? clusters.get(v.cluster().id()) : null, Map.of());
        vms.put(v.id(), doc);
        publisher.put("vms", v.id(), v.name(), doc);
        publisher.putWorkload(v.id(), workload(doc));
    }

    /** The workload MTV serves: the VM with its host and cluster embedded. */
    private Map<String, Object> workload(Map<String, Object> vm) {
        Map<String, Object> w = new LinkedHashMap<>(vm);
        Map<String, Object> cluster = clusters.get(String.valueOf(vm.get("cluster")));
        Map<String, Object> host = hosts.get(String.valueOf(vm.get("host")));
        w.put("host", host == null ? Map.of("id", vm.get("host")) : host);
        w.put("cluster", cluster == null ? Map.of("id", vm.get("cluster")) : cluster);
        return w;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** {@code /tree/cluster}: data centers → clusters → VMs, in MTV's {kind, object, children} nodes. */
    private void publishTrees(InventoryPublisher publisher) {
        Map<String, List<Map<String, Object>>> vmsByCluster = new HashMap<>();
        vms.values().stream().sorted(Comparator.comparing(v -> String.valueOf(v.get("name"))))
                .forEach(v -> vmsByCluster.computeIfAbsent(String.valueOf(v.get("cluster")), k -> new ArrayList<>()).add(v));
        Map<String, List<Map<String, Object>>> clustersByDc = new HashMap<>();
        clusters.values().forEach(c -> clustersByDc.computeIfAbsent(String.valueOf(c.get("dataCenter")), k -> new ArrayList<>()).add(c));
        List<Object> dcNodes = new ArrayList<>();
        for (Map<String, Object> dc : dataCenters.values()) {
            List<Object> clusterNodes = new ArrayList<>();
            for (Map<String, Object> c : clustersByDc.getOrDefault(String.valueOf(dc.get("id")), List.of())) {
                List<Object> vmNodes = new ArrayList<>();
                for (Map<String, Object> v : vmsByCluster.getOrDefault(String.valueOf(c.get("id")), List.of())) {
                    vmNodes.add(node("VM", v, List.of()));
                }
                clusterNodes.add(node("Cluster", c, vmNodes));
            }
            dcNodes.add(node("DataCenter", dc, clusterNodes));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("kind", "");
        root.put("object", null);
        root.put("children", dcNodes);
        publisher.putTree("cluster", root);
    }

    private static Map<String, Object> node(String kind, Map<String, Object> o, List<Object> children) {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("id", o.get("id"));
        obj.put("name", o.get("name"));
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("kind", kind);
        n.put("object", obj);
        n.put("children", children.isEmpty() ? null : children);
        return n;
    }

    private static long newestEvent(SystemService s) {
        long max = 0;
        for (Event e : s.eventsService().list().max(1).send().events()) {
            max = Math.max(max, index(e));
        }
        return max;
    }

    private static long index(Event e) {
        BigInteger i = e.index();
        if (i != null) {
            return i.longValue();
        }
        try {
            return Long.parseLong(e.id());
        } catch (NumberFormatException bad) {
            return 0;
        }
    }

    /**
     * Polls the event log every {@code interval} until {@code stop}; each batch of new events re-reads the objects
     * they name (a VM with what it embeds, its disks; a host, cluster, data center or storage domain). Events that
     * name nothing the inventory shows (network changes name only their data center) refresh the networks.
     */
    public void watch(EngineClient client, InventoryPublisher publisher, BooleanSupplier stop, Duration interval)
            throws InterruptedException {
        while (!stop.getAsBoolean()) {
            long from = lastEvent;
            List<Event> events = client.call("events", s -> s.eventsService().list().from(from).send().events());
            if (!events.isEmpty()) {
                apply(client, publisher, events);
            }
            long wait = interval.toMillis();
            while (wait > 0 && !stop.getAsBoolean()) {
                Thread.sleep(Math.min(wait, 100));
                wait -= 100;
            }
        }
    }

    private synchronized void apply(EngineClient client, InventoryPublisher publisher, List<Event> events) {
        Set<String> vmIds = new HashSet<>();
        Set<String> hostIds = new HashSet<>();
        Set<String> clusterIds = new HashSet<>();
        Set<String> dcIds = new HashSet<>();
        Set<String> sdIds = new HashSet<>();
        boolean networks = false;
        long newest = lastEvent;
        for (Event e : events.stream().sorted(Comparator.comparingLong(InventoryCollector::index)).toList()) {
            long i = index(e);
            if (i <= lastEvent) {
                continue;
            }
            newest = Math.max(newest, i);
            boolean named = false;
            if (e.vmPresent() && e.vm().id() != null) {
                vmIds.add(e.vm().id());
                named = true;
            }
            if (e.hostPresent() && e.host().id() != null) {
                hostIds.add(e.host().id());
                named = true;
            }
            if (e.clusterPresent() && e.cluster().id() != null) {
                clusterIds.add(e.cluster().id());
                named = true;
            }
            if (e.storageDomainPresent() && e.storageDomain().id() != null) {
                sdIds.add(e.storageDomain().id());
                named = true;
            }
            if (e.dataCenterPresent() && e.dataCenter().id() != null) {
                dcIds.add(e.dataCenter().id());
                networks |= !named; // network and vNIC profile events name only their data center
                named = true;
            }
            networks |= !named;
        }
        for (String id : dcIds) {
            refresh(publisher, "datacenters", id, () -> client.call("data center " + id,
                    s -> s.dataCentersService().dataCenterService(id).get().send().dataCenter()), dc -> putDataCenter(publisher, dc));
        }
        for (String id : clusterIds) {
            refresh(publisher, "clusters", id, () -> client.call("cluster " + id,
                    s -> s.clustersService().clusterService(id).get().send().cluster()), c -> putCluster(publisher, c));
        }
        for (String id : hostIds) {
            refresh(publisher, "hosts", id, () -> client.call("host " + id,
                    s -> s.hostsService().hostService(id).get().send().host()), h -> putHost(publisher, h));
        }
        for (String id : sdIds) {
            refresh(publisher, "storagedomains", id, () -> client.call("storage domain " + id,
                    s -> s.storageDomainsService().storageDomainService(id).get().send().storageDomain()),
                    sd -> publisher.put("storagedomains", sd.id(), sd.name(), Documents.storageDomain(sd)));
        }
        if (networks) {
            publishNetworks(client, publisher);
        }
        for (String id : vmIds) {
            refreshVm(client, publisher, id);
        }
        if (!vmIds.isEmpty() || !clusterIds.isEmpty() || !dcIds.isEmpty()) {
            publishTrees(publisher);
        }
        lastEvent = newest;
    }

    private void refreshVm(EngineClient client, InventoryPublisher publisher, String id) {
        Vm v;
        try {
            v = client.call("VM " + id, s -> s.vmsService().vmService(id).get().follow(VM_FOLLOW).send().vm());
        } catch (io.hoist.api.HoistException e) {
            if ("NotFound".equals(e.code())) {
                Map<String, Object> gone = vms.remove(id);
                publisher.remove("vms", id);
                if (gone != null) {
                    log.log(System.Logger.Level.INFO, "VM " + gone.get("name") + " (" + id + ") removed from the engine");
                }
                return;
            }
            throw e;
        }
        if (v.diskAttachmentsPresent()) {
            for (var a : v.diskAttachments()) {
                if (a.diskPresent() && a.disk().id() != null) {
                    String diskId = a.disk().id();
                    refresh(publisher, "disks", diskId, () -> client.call("disk " + diskId,
                            s -> s.disksService().diskService(diskId).get().send().disk()), d -> putDisk(publisher, d));
                }
            }
        }
        putVm(publisher, v);
    }

    private <T> void refresh(InventoryPublisher publisher, String collection, String id,
                             java.util.function.Supplier<T> get, java.util.function.Consumer<T> put) {
        try {
            put.accept(get.get());
        } catch (io.hoist.api.HoistException e) {
            if (!"NotFound".equals(e.code())) {
                throw e;
            }
            publisher.remove(collection, id);
            switch (collection) {
                case "datacenters" -> dataCenters.remove(id);
                case "clusters" -> clusters.remove(id);
                case "hosts" -> hosts.remove(id);
                case "disks" -> disks.remove(id);
                default -> { }
            }
        }
    }
}
