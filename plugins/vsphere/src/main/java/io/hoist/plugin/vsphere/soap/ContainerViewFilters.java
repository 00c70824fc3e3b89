package io.hoist.plugin.vsphere.soap;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.SelectionSpec;
import com.vmware.vim25.TraversalSpec;
import java.util.Map;

/** PropertyCollector filters over a ContainerView: the view's objects (not the view itself), these properties of each type. */
public final class ContainerViewFilters {
    private ContainerViewFilters() {}

    /** The properties {@code paths} of the view's objects of {@code type}. */
    public static PropertyFilterSpec of(ManagedObjectReference view, String type, String... paths) {
        return of(view, Map.of(type, paths));
    }

    /** For each type the view holds, the properties named for it. */
    public static PropertyFilterSpec of(ManagedObjectReference view, Map<String, String[]> pathsByType) {
        TraversalSpec traverse = new TraversalSpec();
        traverse.setName("view");
        traverse.setType("ContainerView");
        traverse.setPath("view");
        traverse.setSkip(Boolean.FALSE);
        ObjectSpec viewItself = new ObjectSpec();
        viewItself.setObj(view);
        viewItself.setSkip(Boolean.TRUE);
        viewItself.setSelectSet(new SelectionSpec[] {traverse});
        PropertySpec[] props = pathsByType.entrySet().stream().map(e -> {
            PropertySpec ps = new PropertySpec();
            ps.setType(e.getKey());
            ps.setPathSet(e.getValue());
            ps.setAll(Boolean.FALSE);
            return ps;
        }).toArray(PropertySpec[]::new);
        PropertyFilterSpec spec = new PropertyFilterSpec();
        spec.setObjectSet(new ObjectSpec[] {viewItself});
        spec.setPropSet(props);
        return spec;
    }
}
