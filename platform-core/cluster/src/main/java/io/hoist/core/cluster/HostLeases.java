package io.hoist.core.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.hoist.core.engine.scheduler.TransferScheduler;
import java.io.Serial;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Counts per source host (or of the whole platform) held by each node, cluster-wide: a Hazelcast map (with a backup
 * on another member) from a key (a ledger's name and a host key) to the count each node holds and the nodes waiting
 * for room there. Every change is an entry processor run where the entry lives, so a check and its take are one step
 * whichever node asks. A node that left the cluster holds nothing once it has been gone for the wait
 * ({@link ClusterHostLimits}): {@link #dropNode} removes its counts.
 *
 * <p>First come first served across nodes: a node refused for room waits under the key with the time its request was
 * asked (Hazelcast's cluster clock, alike on every member), and a take succeeds only when no other node waits with an
 * earlier request, so the slot given back goes to the earliest asker, not to whichever node asks first afterwards. A
 * waiting node that has not asked again for {@link #TURN_KEPT_MS} (it re-asks at least every second while refused)
 * has lost its turn: a node gone, or whose request was granted otherwise, holds nobody back for longer.
 */
final class HostLeases {
    static final String MAP = "hoist.host-leases";
    static final long TURN_KEPT_MS = 5_000;
    private final IMap<String, Holdings> map;
    private final HazelcastInstance hazelcast;

    HostLeases(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(MAP);
    }

    /** Milliseconds on the cluster's clock (the order of asking across nodes). */
    long clock() {
        return hazelcast.getCluster().getClusterTime();
    }

    /**
     * Adds {@code n} to {@code node}'s count under {@code key} when the counts of every node plus {@code n} fit
     * {@code limit} ({@link TransferScheduler#fits}) and no other node waits there with a request asked before
     * {@code askedAt}; false, changing no count and keeping {@code node}'s turn, when not.
     */
    boolean take(String key, String node, int n, int limit, long askedAt) {
        return map.executeOnKey(key, new Take(node, n, limit, askedAt, clock()));
    }

    /** {@code node} no longer waits under {@code key}. */
    void withdraw(String key, String node) {
        map.executeOnKey(key, new Withdraw(node));
    }

    /** Adds {@code delta} (negative: gives back) to {@code node}'s count under {@code key}; the counts after it. */
    Map<String, Integer> add(String key, String node, int delta) {
        return map.executeOnKey(key, new Add(node, delta));
    }

    /** Each node's count under {@code key} now. */
    Map<String, Integer> counts(String key) {
        Holdings h = map.get(key);
        return h == null ? Map.of() : h.counts;
    }

    /** The nodes waiting under {@code key} now, earliest asker first (tests). */
    java.util.List<String> waiting(String key) {
        Holdings h = map.get(key);
        return h == null ? java.util.List.of() : h.turns.entrySet().stream()
                .sorted(Map.Entry.comparingByValue((x, y) -> Long.compare(x.askedAt, y.askedAt)))
                .map(Map.Entry::getKey).toList();
    }

    /** Removes every count and turn of {@code node}; the keys it held any count under. */
    Set<String> dropNode(String node) {
        return map.executeOnEntries(new Drop(node)).entrySet().stream()
                .filter(e -> Boolean.TRUE.equals(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    /** Every node holding a count now. */
    Set<String> holders() {
        Set<String> out = new HashSet<>();
        map.values().forEach(h -> out.addAll(h.counts.keySet()));
        return out;
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One key's entry: each node's count, and the nodes waiting for room with when they asked. */
    static final class Holdings implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final TreeMap<String, Integer> counts = new TreeMap<>();
        final TreeMap<String, Turn> turns = new TreeMap<>();

        void count(String node, int count) {
            if (count > 0) {
                counts.put(node, count);
            } else {
                counts.remove(node);
            }
        }

        /** Whether another node's live turn comes before a request {@code node} asked at {@code askedAt}. */
        boolean anotherFirst(String node, long askedAt, long now) {
            turns.values().removeIf(t -> now - t.lastAsked > TURN_KEPT_MS);
            return turns.entrySet().stream().anyMatch(e -> !e.getKey().equals(node)
                    && (e.getValue().askedAt < askedAt
                        || e.getValue().askedAt == askedAt && e.getKey().compareTo(node) < 0));
        }

        /** Written back (null removes the entry: a key nobody holds or waits for). */
        static void store(Map.Entry<String, Holdings> entry, Holdings h) {
            entry.setValue(h.counts.isEmpty() && h.turns.isEmpty() ? null : h);
        }

        static Holdings of(Map.Entry<String, Holdings> entry) {
            return entry.getValue() == null ? new Holdings() : entry.getValue();
        }
    }

    /** A node's turn: when its waiting request was asked, and when it last asked again. */
    record Turn(long askedAt, long lastAsked) implements Serializable {
    }

    /** Runs where the entry lives (and again on its backup, with the same outcome: the time is an argument). */
    private record Take(String node, int n, int limit, long askedAt, long now)
            implements EntryProcessor<String, Holdings, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, Holdings> entry) {
            Holdings h = Holdings.of(entry);
            boolean taken = !h.anotherFirst(node, askedAt, now) && TransferScheduler.fits(total(h.counts), n, limit);
            if (taken) {
                h.count(node, h.counts.getOrDefault(node, 0) + n);
                h.turns.remove(node);
            } else {
                h.turns.put(node, new Turn(askedAt, now));
            }
            Holdings.store(entry, h);
            return taken;
        }
    }

    private record Withdraw(String node) implements EntryProcessor<String, Holdings, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, Holdings> entry) {
            Holdings h = Holdings.of(entry);
            boolean was = h.turns.remove(node) != null;
            Holdings.store(entry, h);
            return was;
        }
    }

    private record Add(String node, int delta) implements EntryProcessor<String, Holdings, TreeMap<String, Integer>> {
        @Override
        public TreeMap<String, Integer> process(Map.Entry<String, Holdings> entry) {
            Holdings h = Holdings.of(entry);
            h.count(node, h.counts.getOrDefault(node, 0) + delta);
            Holdings.store(entry, h);
            return new TreeMap<>(h.counts);
        }
    }

    private record Drop(String node) implements EntryProcessor<String, Holdings, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, Holdings> entry) {
            Holdings h = Holdings.of(entry);
            boolean held = h.counts.containsKey(node);
            h.count(node, 0);
            h.turns.remove(node);
            Holdings.store(entry, h);
            return held;
        }
    }
}
