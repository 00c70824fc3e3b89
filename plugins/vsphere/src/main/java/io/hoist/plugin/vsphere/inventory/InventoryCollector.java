package io.hoist.plugin.vsphere.inventory;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.ObjectUpdate;
import com.vmware.vim25.ObjectUpdateKind;
import com.vmware.vim25.PropertyChange;
import com.vmware.vim25.PropertyChangeOp;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertyFilterUpdate;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.SelectionSpec;
import com.vmware.vim25.TraversalSpec;
import com.vmware.vim25.UpdateSet;
import com.vmware.vim25.WaitOptions;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.vsphere.inventory.InventoryModel.Obj;
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
    private ManagedObjectReference filter;
    private VimSession filterSession;
    private String version = "";

    public InventoryCollector(InventoryModel model, String providerUid, System.Logger log) {
        this.model = model;
        this.documents = new Documents(model, providerUid);
        this.trees = new Trees(model);
        this.log = log;
    }

    public Documents documents() {
        return documents;
    }

    static PropertyFilterSpec filterSpec(ManagedObjectReference view) {
        TraversalSpec traverse = new TraversalSpec();
        traverse.setName("view");
        traverse.setType("ContainerView");
        traverse.setPath("view");
        traverse.setSkip(Boolean.FALSE);
        ObjectSpec os = new ObjectSpec();
        os.setObj(view);
        os.setSkip(Boolean.TRUE);
        os.setSelectSet(new SelectionSpec[] {traverse});
        PropertySpec[] props = PATHS.entrySet().stream().map(e -> {
            PropertySpec ps = new PropertySpec();
            ps.setType(e.getKey());
            ps.setPathSet(e.getValue());
            ps.setAll(Boolean.FALSE);
            return ps;
        }).toArray(PropertySpec[]::new);
        PropertyFilterSpec spec = new PropertyFilterSpec();
        spec.setObjectSet(new ObjectSpec[] {os});
        spec.setPropSet(props);
        return spec;
    }

    /** A full collection: a fresh filter, its initial update set, everything published. */
    public synchronized void collectAll(VimSession session, InventoryPublisher publisher) throws VimFault, IOException {
        publisher.beginCollection();
        try {
            model.clear();
            ManagedObjectReference view = session.containerView(VIEW_TYPES);
            filter = session.invoke("CreateFilter", session.content().getPropertyCollector(),
                    ManagedObjectReference.class,
                    new VimSoapClient.Arg("spec", "PropertyFilterSpec", filterSpec(view)),
                    new VimSoapClient.Arg("partialUpdates", "boolean", Boolean.FALSE));
            filterSession = session;
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
        if (filter == null || filterSession != session) {
            collectAll(session, publisher);
        }
        while (!stop.getAsBoolean()) {
            UpdateSet set = waitForUpdates(session, WAIT_SECONDS);
            if (set == null) {
                continue; // nothing changed within the wait
            }
            synchronized (this) {
                Set<Obj> changed = new HashSet<>();
                Set<Obj> removed = new HashSet<>();
                applyTracking(set, changed, removed);
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
            }
        }
    }

    private UpdateSet waitForUpdates(VimSession session, int maxWaitSeconds) throws VimFault, IOException {
        WaitOptions opts = new WaitOptions();
        opts.setMaxWaitSeconds(maxWaitSeconds);
        opts.setMaxObjectUpdates(1000);
        return session.soap().invoke("WaitForUpdatesEx", session.content().getPropertyCollector(), UpdateSet.class,
                Duration.ofSeconds(maxWaitSeconds + 120L),
                new VimSoapClient.Arg("version", "String", version),
                new VimSoapClient.Arg("options", "WaitOptions", opts));
    }

    private void apply(UpdateSet set) {
        applyTracking(set, new HashSet<>(), new HashSet<>());
    }

    private void applyTracking(UpdateSet set, Set<Obj> changed, Set<Obj> removed) {
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
                for (PropertyChange pc : VimSoapClient.list(ou.getChangeSet())) {
                    if (pc.getOp() == PropertyChangeOp.remove || pc.getOp() == PropertyChangeOp.indirectRemove) {
                        model.set(ou.getObj(), pc.getName(), null);
                    } else {
                        model.set(ou.getObj(), pc.getName(), pc.getVal());
                    }
                }
                if (ou.getKind() == ObjectUpdateKind.modify) {
                    o.revision++;
                }
                changed.add(o);
            }
        }
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

    /** Objects by type, for lookups (e.g. a VM by name). */
    public List<Obj> objects(String type) {
        return model.ofType(type);
    }
}
