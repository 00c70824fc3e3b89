package io.hoist.plugin.kubevirt.manifest;

import io.hoist.api.HoistException;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.inventory.InventoryView;
import java.util.Map;

/** Finds the KubeVirt source VM object of a spec in the inventory, when the source is a KubeVirt provider. */
public final class SourceVms {
    private SourceVms() {}

    /** The source VirtualMachine object, or null when the spec does not come from a KubeVirt source. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> lookup(InventoryView inventory, TargetVmSpec spec) {
        String provider = spec.annotations().get(Labels.SOURCE_PROVIDER_ANNOTATION);
        if (provider == null || provider.isBlank()) {
            return null;
        }
        Map<String, Object> doc = inventory.get(provider, "vms", spec.sourceVmId())
                .orElseThrow(() -> new HoistException(HoistException.Type.UNAVAILABLE, "SourceVmNotInInventory",
                        "source VM " + spec.sourceVmId() + " of provider " + provider + " is not in the inventory (yet)"));
        Object object = doc.get("object");
        return object instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
