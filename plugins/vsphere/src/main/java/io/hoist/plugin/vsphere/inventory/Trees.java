package io.hoist.plugin.vsphere.inventory;

import io.hoist.plugin.vsphere.inventory.InventoryModel.Obj;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /tree/host} and {@code /tree/vm} documents: nested {@code {kind, object, children}} nodes
 * from the datacenters down, as MTV's vsphere inventory serves them. Standalone ComputeResources are
 * folded away so a standalone host sits under its folder, like in the vSphere client.
 */
public final class Trees {
    private final InventoryModel model;

    public Trees(InventoryModel model) {
        this.model = model;
    }

    /** Datacenter → host folders → clusters → hosts → VMs. */
    public Map<String, Object> hostTree() {
        Map<String, List<Obj>> children = model.childrenByParent();
        Map<String, List<Obj>> vmsByHost = new java.util.HashMap<>();
        for (Obj vm : model.ofType("VirtualMachine")) {
            Object rt = vm.get("runtime");
            if (rt instanceof com.vmware.vim25.VirtualMachineRuntimeInfo r && r.getHost() != null) {
                vmsByHost.computeIfAbsent(r.getHost().get_value(), k -> new ArrayList<>()).add(vm);
            }
        }
        List<Object> dcs = new ArrayList<>();
        for (Obj dc : model.ofType("Datacenter")) {
            Obj hostFolder = model.get((com.vmware.vim25.ManagedObjectReference) dc.get("hostFolder"));
            List<Object> kids = hostFolder == null ? List.of() : hostChildren(hostFolder, children, vmsByHost);
            dcs.add(node(dc, kids));
        }
        return root(dcs);
    }

    private List<Object> hostChildren(Obj parent, Map<String, List<Obj>> children, Map<String, List<Obj>> vmsByHost) {
        List<Object> out = new ArrayList<>();
        for (Obj c : children.getOrDefault(parent.id(), List.of())) {
            switch (c.type()) {
                case "Folder", "ClusterComputeResource" -> out.add(node(c, hostChildren(c, children, vmsByHost)));
                case "ComputeResource" -> out.addAll(hostChildren(c, children, vmsByHost));
                case "HostSystem" -> {
                    List<Object> vms = new ArrayList<>();
                    for (Obj vm : vmsByHost.getOrDefault(c.id(), List.of())) {
                        vms.add(node(vm, List.of()));
                    }
                    out.add(node(c, vms));
                }
                default -> { }
            }
        }
        return out;
    }

    /** Datacenter → VM folders → VMs. */
    public Map<String, Object> vmTree() {
        Map<String, List<Obj>> children = model.childrenByParent();
        List<Object> dcs = new ArrayList<>();
        for (Obj dc : model.ofType("Datacenter")) {
            Obj vmFolder = model.get((com.vmware.vim25.ManagedObjectReference) dc.get("vmFolder"));
            dcs.add(node(dc, vmFolder == null ? List.of() : vmChildren(vmFolder, children)));
        }
        return root(dcs);
    }

    private List<Object> vmChildren(Obj parent, Map<String, List<Obj>> children) {
        List<Object> out = new ArrayList<>();
        for (Obj c : children.getOrDefault(parent.id(), List.of())) {
            if ("Folder".equals(c.type())) {
                out.add(node(c, vmChildren(c, children)));
            } else if ("VirtualMachine".equals(c.type())) {
                out.add(node(c, List.of()));
            }
        }
        return out;
    }

    private static Map<String, Object> root(List<Object> children) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "");
        r.put("object", null);
        r.put("children", children);
        return r;
    }

    private Map<String, Object> node(Obj o, List<Object> children) {
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("id", o.id());
        obj.put("parent", Documents.ref(o.parent()));
        obj.put("name", o.name());
        obj.put("path", model.path(o));
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("kind", Documents.kindOf(o.type()));
        n.put("object", obj);
        n.put("children", children.isEmpty() ? null : children);
        return n;
    }
}
