package io.hoist.core.engine.run;

import io.hoist.core.engine.bus.Messages.PlanKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each VM of a plan reads its disks from and how many, as plan validation last described it (from the
 * inventory). A VM run asks for its place with this before it loads anything, so VMs waiting for their turn cost
 * nothing but a queued future: the first VMs of a 5,000-VM plan start copying while the rest wait.
 */
public final class Placements {
    /** A VM's source host key (as {@link VmContext#hostKey()} forms it), its disk count and its plan's cap. */
    public record Placement(String hostKey, int disks, int planCap) {
        /** The source host's id in its provider's inventory; null for a VM of a hostless source. */
        public String hostId() {
            String id = hostKey.substring(hostKey.indexOf('/') + 1);
            return HOSTLESS.equals(id) ? null : id;
        }
    }

    /** The host part of the key of a VM whose source has no hosts (one count per provider). */
    private static final String HOSTLESS = "-";

    private final Map<PlanKey, Map<String, Placement>> byPlan = new ConcurrentHashMap<>();

    /** The host key of a VM on a source provider: one transfer-slot count per host (per provider when hostless). */
    public static String hostKey(String providerUid, String hostId) {
        return providerUid + "/" + (hostId == null || hostId.isEmpty() ? HOSTLESS : hostId);
    }

    public void put(PlanKey plan, String vmId, Placement placement) {
        byPlan.computeIfAbsent(plan, k -> new ConcurrentHashMap<>()).put(vmId, placement);
    }

    public Optional<Placement> get(PlanKey plan, String vmId) {
        Map<String, Placement> vms = byPlan.get(plan);
        return vms == null ? Optional.empty() : Optional.ofNullable(vms.get(vmId));
    }

    /** The plan is gone. */
    public void forget(PlanKey plan) {
        byPlan.remove(plan);
    }
}
