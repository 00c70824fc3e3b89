package io.hoist.core.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.hoist.core.engine.scheduler.TransferScheduler;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts per source host held by each node, cluster-wide: a Hazelcast map (with a backup on another member) from a
 * key (a ledger's name and a host key) to the count each node holds. Every change is an entry processor run where
 * the entry lives, so a check and its take are one step whichever node asks. A node that left the cluster holds
 * nothing once it has been gone for the wait ({@link ClusterHostLimits}): {@link #dropNode} removes its counts.
 */
final class HostLeases {
    static final String MAP = "hoist.host-leases";
    private final IMap<String, TreeMap<String, Integer>> map;

    HostLeases(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP);
    }

    /**
     * Adds {@code n} to {@code node}'s count under {@code key} when the counts of every node plus {@code n} fit
     * {@code limit} ({@link TransferScheduler#fits}); false, changing nothing, when they do not.
     */
    boolean take(String key, String node, int n, int limit) {
        return map.executeOnKey(key, new Take(node, n, limit));
    }

    /** Adds {@code delta} (negative: gives back) to {@code node}'s count under {@code key}; the counts after it. */
    Map<String, Integer> add(String key, String node, int delta) {
        return map.executeOnKey(key, new Add(node, delta));
    }

    /** Each node's count under {@code key} now. */
    Map<String, Integer> counts(String key) {
        TreeMap<String, Integer> counts = map.get(key);
        return counts == null ? Map.of() : counts;
    }

    /** Removes every count of {@code node}; the keys it held any under. */
    Set<String> dropNode(String node) {
        return map.executeOnEntries(new Drop(node)).entrySet().stream()
                .filter(e -> Boolean.TRUE.equals(e.getValue())).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Every node holding a count now. */
    Set<String> holders() {
        Set<String> out = new java.util.HashSet<>();
        map.values().forEach(counts -> out.addAll(counts.keySet()));
        return out;
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void put(Map.Entry<String, TreeMap<String, Integer>> entry, TreeMap<String, Integer> counts,
                            String node, int count) {
        if (count > 0) {
            counts.put(node, count);
        } else {
            counts.remove(node);
        }
        entry.setValue(counts.isEmpty() ? null : counts); // null removes the entry: a host nobody copies from
    }

    private static TreeMap<String, Integer> countsOf(Map.Entry<String, TreeMap<String, Integer>> entry) {
        return entry.getValue() == null ? new TreeMap<>() : entry.getValue();
    }

    /** Runs where the entry lives (and again on its backup, with the same outcome). */
    private record Take(String node, int n, int limit) implements EntryProcessor<String, TreeMap<String, Integer>, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, TreeMap<String, Integer>> entry) {
            TreeMap<String, Integer> counts = countsOf(entry);
            if (!TransferScheduler.fits(total(counts), n, limit)) {
                return false;
            }
            put(entry, counts, node, counts.getOrDefault(node, 0) + n);
            return true;
        }
    }

    private record Add(String node, int delta) implements EntryProcessor<String, TreeMap<String, Integer>, TreeMap<String, Integer>> {
        @Override
        public TreeMap<String, Integer> process(Map.Entry<String, TreeMap<String, Integer>> entry) {
            TreeMap<String, Integer> counts = countsOf(entry);
            put(entry, counts, node, counts.getOrDefault(node, 0) + delta);
            return new TreeMap<>(counts);
        }
    }

    private record Drop(String node) implements EntryProcessor<String, TreeMap<String, Integer>, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, TreeMap<String, Integer>> entry) {
            TreeMap<String, Integer> counts = countsOf(entry);
            if (!counts.containsKey(node)) {
                return false;
            }
            put(entry, counts, node, 0);
            return true;
        }
    }
}
