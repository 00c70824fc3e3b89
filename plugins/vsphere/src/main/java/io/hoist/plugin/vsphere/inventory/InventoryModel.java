package io.hoist.plugin.vsphere.inventory;

import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.ManagedObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider's mirror of the PropertyCollector's view: one entry per managed object, holding the
 * collected property values by path. Full collections fill it; WaitForUpdatesEx changes patch it.
 */
public final class InventoryModel {
    /** One managed object: its vim type, moRef value and collected properties. */
    public static final class Obj {
        final String type;
        final String id;
        final Map<String, Object> props = new ConcurrentHashMap<>();
        long revision = 1;

        Obj(String type, String id) {
            this.type = type;
            this.id = id;
        }

        public String type() {
            return type;
        }

        public String id() {
            return id;
        }

        public Object get(String path) {
            return props.get(path);
        }

        public String name() {
            Object n = props.get("name");
            return n == null ? id : decodeName(n.toString());
        }

        public ManagedObjectReference parent() {
            return (ManagedObjectReference) props.get("parent");
        }
    }

    private final Map<String, Obj> objects = new ConcurrentHashMap<>();
    /**
     * VM id → the last guest information its running tools reported. Survives the VM's power-off (vSphere then
     * clears the guest information) and a full recollection, because conversion (preserveStaticIPs) needs it then.
     */
    private final Map<String, GuestInfo> lastReportedGuest = new ConcurrentHashMap<>();

    public Obj upsert(ManagedObjectReference mor) {
        return objects.computeIfAbsent(mor.get_value(), k -> new Obj(mor.getType(), k));
    }

    public void set(ManagedObjectReference mor, String path, Object value) {
        Obj o = upsert(mor);
        if ("guest".equals(path) && value instanceof GuestInfo g && toolsReport(g)) {
            lastReportedGuest.put(o.id, g);
        }
        if (value == null) {
            o.props.remove(path);
        } else {
            o.props.put(path, value);
        }
    }

    /** The guest's tools are running and report at least one NIC. */
    public static boolean toolsReport(GuestInfo guest) {
        return guest != null && "guestToolsRunning".equals(guest.getToolsRunningStatus())
                && guest.getNet() != null && guest.getNet().length > 0;
    }

    /** What a VM's guest tools last reported while they ran (seen by the watch or by describe), or null. */
    public GuestInfo lastReportedGuest(String vmId) {
        return vmId == null ? null : lastReportedGuest.get(vmId);
    }

    /** Remembers guest information read outside the inventory watch (describe), when the tools report. */
    public void rememberGuest(String vmId, GuestInfo guest) {
        if (vmId != null && toolsReport(guest)) {
            lastReportedGuest.put(vmId, guest);
        }
    }

    public Obj remove(String id) {
        return objects.remove(id);
    }

    public Obj get(String id) {
        return id == null ? null : objects.get(id);
    }

    public Obj get(ManagedObjectReference mor) {
        return mor == null ? null : objects.get(mor.get_value());
    }

    public void clear() {
        objects.clear();
    }

    public int size() {
        return objects.size();
    }

    public List<Obj> ofType(String... types) {
        List<Obj> out = new ArrayList<>();
        for (Obj o : objects.values()) {
            for (String t : types) {
                if (t.equals(o.type)) {
                    out.add(o);
                    break;
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Obj::id));
        return out;
    }

    /** Children by parent id, computed once per call (for trees and paths). */
    public Map<String, List<Obj>> childrenByParent() {
        Map<String, List<Obj>> m = new HashMap<>();
        for (Obj o : objects.values()) {
            ManagedObjectReference p = o.parent();
            if (p != null) {
                m.computeIfAbsent(p.get_value(), k -> new ArrayList<>()).add(o);
            }
        }
        m.values().forEach(l -> l.sort(java.util.Comparator.comparing(Obj::id)));
        return m;
    }

    /** The datacenter an object lives in, walking parents; null when none (or a loop). */
    public Obj datacenterOf(Obj o) {
        for (int i = 0; o != null && i < 64; i++) {
            if ("Datacenter".equals(o.type)) {
                return o;
            }
            o = get(o.parent());
        }
        return null;
    }

    /** The inventory path, e.g. {@code /DC0/vm/folder/VM1}. */
    public String path(Obj o) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; o != null && i < 64; i++) {
            if ("Folder".equals(o.type) && o.parent() == null) {
                break; // the root folder is not part of paths
            }
            sb.insert(0, "/" + o.name());
            o = get(o.parent());
        }
        return sb.toString();
    }

    /** vSphere escapes '%', '/' and '\' in entity names. */
    static String decodeName(String n) {
        return n.indexOf('%') < 0 ? n : n.replace("%2f", "/").replace("%2F", "/").replace("%5c", "\\")
                .replace("%5C", "\\").replace("%25", "%");
    }
}
