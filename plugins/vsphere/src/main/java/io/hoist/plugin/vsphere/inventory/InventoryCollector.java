package io.hoist.plugin.vsphere.inventory;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectUpdate;
import com.vmware.vim25.ObjectUpdateKind;
import com.vmware.vim25.PropertyChange;
import com.vmware.vim25.PropertyChangeOp;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertyFilterUpdate;
import com.vmware.vim25.UpdateSet;
import com.vmware.vim25.WaitOptions;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.vsphere.inventory.InventoryModel.Obj;
import io.hoist.plugin.vsphere.soap.ContainerViewFilters;
import io.hoist.plugin.vsphere.soap.VimFault;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Collects the inventory with one PropertyCollector filter over a recursive container view:
 * the first {@code WaitForUpdatesEx} (version "") is the full collection, later calls return only
 * what changed, which is applied to the {@link InventoryModel} and republished.
 */
public final class InventoryCollector {
    /** Seconds one WaitForUpdatesEx call may block on the server; bounds how late a stop request is seen. */
    static final int WAIT_SECONDS = 2;

    private static final String[] VIEW_TYPES = {"Folder", "Datacenter", "ComputeResource", "HostSystem", "Datastore",
        "Network", "DistributedVirtualSwitch", "VirtualMachine"};

    private static final Map<String, String[]> PATHS = Map.of(
            "Folder", new String[] {"name", "parent", "childEntity", "childType"},
            "Datacenter", new String[] {"name", "parent", "vmFolder", "hostFolder", "datastoreFolder", "networkFolder"},
            "ComputeResource", new String[] {"name", "parent", "host", "datastore", "network"},
            "ClusterComputeResource", new String[] {"configurationEx"},
            "HostSystem", new String[] {"name", "parent", "overallStatus", "runtime.inMaintenanceMode",
                "runtime.connectionState", "runtime.powerState", "summary.config.product.name",
                "summary.config.product.version", "summary.config.sslThumbprint", "summary.hardware.numCpuPkgs",
                "summary.hardware.numCpuCores", "summary.hardware.memorySize", "config.network",
                "config.virtualNicManagerInfo.netConfig", "datastore", "network", "vm"},
            "Datastore", new String[] {"name", "parent", "summary.capacity", "summary.freeSpace", "summary.type",
                "summary.url", "summary.accessible", "summary.maintenanceMode"},
            "Network", new String[] {"name", "parent", "host"},
            "DistributedVirtualPortgroup", new String[] {"config"},
            "DistributedVirtualSwitch", new String[] {"name", "parent", "uuid"},
            "VirtualMachine", new String[] {"name", "parent", "config", "runtime", "guest", "snapshot", "network",
                "summary.storage.committed", "summary.quickStats.balloonedMemory"});

    private final InventoryModel model;
    private final Documents documents;
    private final Trees trees;
    private final System.Logger log;
    // A property collector of our own, so the version chain and filters are not shared with other calls.
    private ManagedObjectReference collector;
    private ManagedObjectReference view;
    private VimSession filterSession;
    private String version = "";

    private final io.hoist.api.source.SourceVmChanges vmChanges;

    /**
     * @param vmChanges where a VM seen moving to another host during the watch is reported (the platform shows it on
     *                  the VM's status when a migration of it runs, and ignores it otherwise)
     */
    public InventoryCollector(InventoryModel model, String providerUid, System.Logger log,
                              io.hoist.api.source.SourceVmChanges vmChanges) {
        this.model = model;
        this.documents = new Documents(model, providerUid);
        this.trees = new Trees(model);
        this.log = log;
        this.vmChanges = vmChanges;
    }

    public Documents documents() {
        return documents;
    }

    /** A full collection: a fresh filter, its initial update set, everything published. */
    public synchronized void collectAll(VimSession session, InventoryPublisher publisher) throws VimFault, IOException {
        publisher.beginCollection();
        try {
            model.clear();
            release();
            collector = session.invoke("CreatePropertyCollector", session.content().getPropertyCollector(),
                    ManagedObjectReference.class);
            view = session.containerView(VIEW_TYPES);
            filterSession = session;
            session.invoke("CreateFilter", collector, ManagedObjectReference.class,
                    new VimSoapClient.Arg("spec", "PropertyFilterSpec", ContainerViewFilters.of(view, PATHS)),
                    new VimSoapClient.Arg("partialUpdates", "boolean", Boolean.FALSE));
            version = "";
            UpdateSet set;
            do {
                set = waitForUpdates(session, 0);
                if (set != null) {
                    apply(set);
                    version = set.getVersion();
                }
            } while (set != null && Boolean.TRUE.equals(set.getTruncated()));
            for (Obj o : model.ofType(PATHS.keySet().toArray(String[]::new))) {
                publish(publisher, o);
            }
            for (Obj o : model.ofType("OpaqueNetwork", "VmwareDistributedVirtualSwitch")) {
                publish(publisher, o);
            }
            publishTrees(publisher);
        } catch (VimFault | IOException | RuntimeException e) {
            publisher.fail("inventory collection failed: " + e.getMessage());
            throw e;
        } finally {
            publisher.endCollection();
        }
    }

    /** Applies and publishes changes until {@code stop} is true; needs {@link #collectAll} first on this session. */
    public void watch(VimSession session, InventoryPublisher publisher, BooleanSupplier stop) throws VimFault, IOException {
        if (collector == null || filterSession != session) {
            collectAll(session, publisher);
        }
        while (!stop.getAsBoolean()) {
            UpdateSet set = waitForUpdates(session, WAIT_SECONDS);
            if (set == null) {
                continue; // nothing changed within the wait
            }
            long received = System.nanoTime();
            List<io.hoist.api.source.SourceVmChange> moves = new java.util.ArrayList<>();
            synchronized (this) {
                Set<Obj> changed = new HashSet<>();
                Set<Obj> removed = new HashSet<>();
                applyTracking(set, changed, removed, moves);
                version = set.getVersion();
                for (Obj o : removed) {
                    String c = Documents.collectionOf(o.type());
                    if (c != null) {
                        publisher.remove(c, o.id());
                    }
                }
                Set<Obj> dependents = new HashSet<>();
                for (Obj o : changed) {
                    if ("HostSystem".equals(o.type())) {
                        for (Map<String, Object> r : Documents.refs(o.get("vm"))) {
                            Obj vm = model.get((String) r.get("id"));
                            if (vm != null) {
                                dependents.add(vm);
                            }
                        }
                    }
                }
                changed.addAll(dependents);
                for (Obj o : changed) {
                    publish(publisher, o);
                }
                publishTrees(publisher);
                log.log(System.Logger.Level.DEBUG, "inventory update: " + changed.size() + " changed, " + removed.size()
                        + " removed, published in " + (System.nanoTime() - received) / 1_000_000 + " ms");
            }
            moves.forEach(vmChanges::report);
        }
    }

    private UpdateSet waitForUpdates(VimSession session, int maxWaitSeconds) throws VimFault, IOException {
        WaitOptions opts = new WaitOptions();
        opts.setMaxWaitSeconds(maxWaitSeconds);
        opts.setMaxObjectUpdates(1000);
        return session.soap().invoke("WaitForUpdatesEx", collector, UpdateSet.class,
                Duration.ofSeconds(maxWaitSeconds + 120L),
                new VimSoapClient.Arg("version", "String", version),
                new VimSoapClient.Arg("options", "WaitOptions", opts));
    }

    /** Destroys the previous collection's property collector (and its filter) and view, if any. */
    public synchronized void release() {
        VimSession s = filterSession;
        if (s != null && collector != null) {
            try {
                s.invoke("DestroyPropertyCollector", collector, null);
            } catch (VimFault | IOException ignored) {
                // it dies with the session anyway
            }
            s.destroy(view);
        }
        collector = null;
        view = null;
        filterSession = null;
    }

    private void apply(UpdateSet set) {
        applyTracking(set, new HashSet<>(), new HashSet<>(), new java.util.ArrayList<>());
    }

    private void applyTracking(UpdateSet set, Set<Obj> changed, Set<Obj> removed,
                               List<io.hoist.api.source.SourceVmChange> moves) {
        for (PropertyFilterUpdate fu : VimSoapClient.list(set.getFilterSet())) {
            for (ObjectUpdate ou : VimSoapClient.list(fu.getObjectSet())) {
                if (ou.getObj() == null) {
                    continue;
                }
                if (ou.getKind() == ObjectUpdateKind.leave) {
                    Obj gone = model.remove(ou.getObj().get_value());
                    if (gone != null) {
                        removed.add(gone);
                    }
                    continue;
                }
                Obj o = model.upsert(ou.getObj());
                String hostBefore = ou.getKind() == ObjectUpdateKind.modify ? hostOf(o) : null;
                for (PropertyChange pc : VimSoapClient.list(ou.getChangeSet())) {
                    if (pc.getOp() == PropertyChangeOp.remove || pc.getOp() == PropertyChangeOp.indirectRemove) {
                        model.set(ou.getObj(), pc.getName(), null);
                    } else {
                        model.set(ou.getObj(), pc.getName(), pc.getVal());
                    }
                }
                if (ou.getKind() == ObjectUpdateKind.modify) {
                    o.revision++;
                    String hostNow = hostOf(o);
                    if (hostBefore != null && hostNow != null && !hostBefore.equals(hostNow)) {
                        moves.add(new io.hoist.api.source.SourceVmChange(o.id(), "VMMovedDuringMigration",
                                io.hoist.api.Condition.Category.Warn, "HostChanged", "VM " + o.name() + " moved from host "
                                + hostBefore + " to " + hostNow + " (vMotion or DRS); Hoist reads its disks where it runs"));
                    }
                }
                changed.add(o);
            }
        }
    }

    /** The host a VM runs on, from its {@code runtime}; null for other objects. */
    private static String hostOf(Obj o) {
        return "VirtualMachine".equals(o.type()) && o.get("runtime") instanceof com.vmware.vim25.VirtualMachineRuntimeInfo rt
                && rt.getHost() != null ? rt.getHost().get_value() : null;
    }

    private void publish(InventoryPublisher publisher, Obj o) {
        String collection = Documents.collectionOf(o.type());
        if (collection == null) {
            return;
        }
        try {
            publisher.put(collection, o.id(), o.name(), documents.document(o));
            if ("VirtualMachine".equals(o.type())) {
                publisher.putWorkload(o.id(), documents.workload(o));
            }
        } catch (RuntimeException e) {
            // one odd object must not stop the collection; it is logged by id, never with data
            log.log(System.Logger.Level.WARNING, "skipping " + o.type() + " " + o.id() + ": " + e);
        }
    }

    private void publishTrees(InventoryPublisher publisher) {
        publisher.putTree("host", trees.hostTree());
        publisher.putTree("vm", trees.vmTree());
    }
}
