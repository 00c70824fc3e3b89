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
        }
        return out;
    }
}
