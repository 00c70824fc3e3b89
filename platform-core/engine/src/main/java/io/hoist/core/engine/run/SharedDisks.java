package io.hoist.core.engine.run;

import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.core.model.resource.Plan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which VM of a plan copies each shared disk: the first VM (in the plan's order) attached to it whose
 * {@code migrateSharedDisks} is on. Every other VM of the plan attached to it attaches that one copy; a VM with
 * {@code migrateSharedDisks} off copies none and attaches what an earlier plan copied. So a shared disk is copied once
 * per plan, and never by a plan that says not to.
 */
public final class SharedDisks {
    private SharedDisks() {}

    /**
     * Share id → the plan VM id (id, else name) of the VM that copies it.
     *
     * @param describe the source VM of a plan VM, empty when it cannot be described (it then copies nothing)
     */
    public static Map<String, String> copiers(Plan plan, Function<Plan.Vm, Optional<SourceVm>> describe, String sourceProviderUid) {
        Map<String, String> out = new LinkedHashMap<>();
        TargetSpecBuilder.Context ctx = new TargetSpecBuilder.Context(sourceProviderUid, null, Map.of(), null, null, Set.of());
        for (Plan.Vm v : plan.spec.vms == null ? List.<Plan.Vm>of() : plan.spec.vms) {
            if (!plan.spec.migrateSharedDisksFor(v)) {
                continue;
            }
            Optional<SourceVm> vm = describe.apply(v);
            if (vm.isEmpty()) {
                continue;
            }
            for (SourceDisk d : vm.get().disks()) {
                if (d.shared()) {
                    out.putIfAbsent(TargetSpecBuilder.shareId(ctx, d), VmLoader.planVmId(v));
                }
            }
        }
        return out;
    }

    /** The share ids of {@code vm}'s shared disks that another VM of the plan copies. */
    public static Set<String> copiedElsewhere(String planVmId, SourceVm vm, Map<String, String> copiers, String sourceProviderUid) {
        TargetSpecBuilder.Context ctx = new TargetSpecBuilder.Context(sourceProviderUid, null, Map.of(), null, null, Set.of());
        Set<String> out = new TreeSet<>();
        for (SourceDisk d : vm.disks()) {
            if (!d.shared()) {
                continue;
            }
            String id = TargetSpecBuilder.shareId(ctx, d);
            String copier = copiers.get(id);
            if (copier != null && !copier.equals(planVmId)) {
                out.add(id);
            }
        }
        return out;
    }

    /** True when the VM has shared disks at all (only then the plan's other VMs need describing). */
    public static boolean hasShared(SourceVm vm) {
        return vm.disks().stream().anyMatch(SourceDisk::shared);
    }
}
