package io.hoist.core.engine.runtime;

import io.hoist.api.Condition;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.inventory.InventoryView;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What plan validation asks the providers, remembered so a plan pass costs no live call per VM: a VM description
 * is kept until the source's inventory revision moves (a VM changed, appeared or went), a target check for
 * {@link #TARGET_TTL_MS} (the target has no revision). A migration's own run always asks live; the engine's VM
 * admission reads the same descriptions to learn a waiting VM's host and disks without a live call.
 */
public final class SourceLookups {
    static final long TARGET_TTL_MS = 60_000;
    private static final int MAX_ENTRIES = 50_000;

    private record VmKey(String providerUid, long revision, String id, String name, SourceProvider instance) {}

    private record TargetKey(Destination instance, TargetVmSpec spec) {}

    private record Checked(List<Condition> conditions, long at) {}

    private final Extensions extensions;
    private final InventoryView inventory;
    private final Map<VmKey, Optional<SourceVm>> described = lru();
    private final Map<TargetKey, Checked> checked = lru();

    public SourceLookups(Extensions extensions, InventoryView inventory) {
        this.extensions = extensions;
        this.inventory = inventory;
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }

    public Optional<SourceVm> describe(String providerUid, SourceProvider source, VmRef ref) throws Exception {
        long revision = inventory == null ? 0 : inventory.revision(providerUid);
        VmKey key = new VmKey(providerUid, revision, ref.id(), ref.name(), source);
        if (revision > 0) {
            synchronized (described) {
                Optional<SourceVm> hit = described.get(key);
                if (hit != null) {
                    return hit;
                }
            }
        }
        Optional<SourceVm> vm = extensions.call(source, () -> source.describe(ref));
        if (revision > 0) {
            synchronized (described) {
                described.put(key, vm);
                sweepStaleRevisions(providerUid, revision);
            }
        }
        return vm;
    }

    public List<Condition> validateTarget(Destination destination, TargetVmSpec spec) throws Exception {
        TargetKey key = new TargetKey(destination, spec);
        long now = System.currentTimeMillis();
        synchronized (checked) {
            Checked hit = checked.get(key);
            if (hit != null && now - hit.at() < TARGET_TTL_MS) {
                return hit.conditions();
            }
        }
        List<Condition> out = List.copyOf(extensions.call(destination, () -> destination.validateTarget(spec)));
        synchronized (checked) {
            checked.put(key, new Checked(out, now));
            // Expired checks are dropped as new ones come (least recently used first), not kept until 50,000 of
            // them push each other out: a plan of 20,000 VMs held every VM's target spec for its whole run.
            var it = checked.values().iterator();
            while (it.hasNext()) {
                if (now - it.next().at() < TARGET_TTL_MS) {
                    break;
                }
                it.remove();
            }
        }
        return out;
    }

    /**
     * Drops what no lookup can hit again: target checks past their TTL, descriptions of an older inventory revision.
     * Called by the engine's periodic resync: without it the caches were swept only by new lookups, so after a plan's
     * run (its succeeded VMs are never validated again) they held every VM's SourceVm and TargetVmSpec for good.
     */
    public void sweep() {
        long now = System.currentTimeMillis();
        synchronized (checked) {
            checked.values().removeIf(c -> now - c.at() >= TARGET_TTL_MS);
        }
        synchronized (described) {
            if (inventory != null) {
                for (String uid : java.util.Set.copyOf(newestRevision.keySet())) {
                    newestRevision.merge(uid, inventory.revision(uid), Math::max);
                }
            }
            lastSweep = now;
            described.keySet().removeIf(k -> k.revision() < newestRevision.getOrDefault(k.providerUid(), 0L));
        }
    }

    /** How many descriptions and target checks are kept (for tests). */
    int size() {
        synchronized (described) {
            synchronized (checked) {
                return described.size() + checked.size();
            }
        }
    }

    /** The newest revision seen per provider, and when descriptions of older revisions were last dropped. */
    private final Map<String, Long> newestRevision = new java.util.HashMap<>();
    private long lastSweep;
    private static final long SWEEP_EVERY_MS = 10_000;

    /**
     * Drops descriptions read at an older inventory revision of this provider (no lookup can hit them again), at most
     * every {@link #SWEEP_EVERY_MS}: the revision moves with every VM a migration powers off, and a walk per move would
     * cost the cache's size each time. Called holding {@link #described}.
     */
    private void sweepStaleRevisions(String providerUid, long revision) {
        newestRevision.merge(providerUid, revision, Math::max);
        long now = System.currentTimeMillis();
        if (now - lastSweep < SWEEP_EVERY_MS) {
            return;
        }
        lastSweep = now;
        described.keySet().removeIf(k -> k.revision() < newestRevision.getOrDefault(k.providerUid(), 0L));
    }
}
