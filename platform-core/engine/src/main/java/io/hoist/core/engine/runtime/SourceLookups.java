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
import java.util.function.LongSupplier;

/**
 * What plan validation asks the providers, remembered so a plan pass costs no live call per VM: a VM description
 * is kept until the source's inventory revision moves (a VM changed, appeared or went) or until nobody asked for it
 * for {@link #DESCRIBED_IDLE_MS} (a succeeded VM is never validated again; a source whose revision does not move kept
 * every VM's description for good, 20,000 of them after a 20,000-VM plan), a target check for
 * {@link #TARGET_TTL_MS} (the target has no revision). A migration's own run always asks live; the engine's VM
 * admission reads the same descriptions to learn a waiting VM's host and disks without a live call.
 */
public final class SourceLookups {
    static final long TARGET_TTL_MS = 60_000;
    /** Four of the engine's 15 s resyncs: a VM still waiting is validated again well within it. */
    static final long DESCRIBED_IDLE_MS = 60_000;
    private static final int MAX_ENTRIES = 50_000;

    private record VmKey(String providerUid, long revision, String id, String name, SourceProvider instance) {}

    private record TargetKey(Destination instance, TargetVmSpec spec) {}

    private record Checked(List<Condition> conditions, long at) {}

    /** A description and when it was last asked for (the map's access order is the order of these times). */
    private static final class Described {
        final Optional<SourceVm> vm;
        long usedAt;

        Described(Optional<SourceVm> vm, long usedAt) {
            this.vm = vm;
            this.usedAt = usedAt;
        }
    }

    private final Extensions extensions;
    private final InventoryView inventory;
    private final LongSupplier clock;
    private final Map<VmKey, Described> described = lru();
    private final Map<TargetKey, Checked> checked = lru();

    public SourceLookups(Extensions extensions, InventoryView inventory) {
        this(extensions, inventory, System::currentTimeMillis);
    }

    /** @param clock milliseconds, for tests of the expiry */
    SourceLookups(Extensions extensions, InventoryView inventory, LongSupplier clock) {
        this.extensions = extensions;
        this.inventory = inventory;
        this.clock = clock;
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
                Described hit = described.get(key);
                if (hit != null) {
                    hit.usedAt = clock.getAsLong();
                    return hit.vm;
                }
            }
        }
        Optional<SourceVm> vm = extensions.call(source, () -> source.describe(ref));
        if (revision > 0) {
            synchronized (described) {
                long now = clock.getAsLong();
                described.put(key, new Described(vm, now));
                dropIdle(now);
                sweepStaleRevisions(providerUid, revision);
            }
        }
        return vm;
    }

    public List<Condition> validateTarget(Destination destination, TargetVmSpec spec) throws Exception {
        TargetKey key = new TargetKey(destination, spec);
        long now = clock.getAsLong();
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
     * Drops what no lookup can hit again or nobody asked for lately: target checks past their TTL, descriptions of an
     * older inventory revision or idle for {@link #DESCRIBED_IDLE_MS}. Called by the engine's periodic resync: without
     * it the caches were swept only by new lookups, so after a plan's run (its succeeded VMs are never validated
     * again) they held every VM's SourceVm and TargetVmSpec for good.
     */
    public void sweep() {
        long now = clock.getAsLong();
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
            dropIdle(now);
        }
    }

    /**
     * Drops descriptions nobody asked for in {@link #DESCRIBED_IDLE_MS}: the map is in access order, so they are its
     * eldest entries and the walk stops at the first one still in use (its cost is what it drops). Holding
     * {@link #described}.
     */
    private void dropIdle(long now) {
        var it = described.values().iterator();
        while (it.hasNext()) {
            if (now - it.next().usedAt < DESCRIBED_IDLE_MS) {
                break;
            }
            it.remove();
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
        long now = clock.getAsLong();
        if (now - lastSweep < SWEEP_EVERY_MS) {
            return;
        }
        lastSweep = now;
        described.keySet().removeIf(k -> k.revision() < newestRevision.getOrDefault(k.providerUid(), 0L));
    }
}
