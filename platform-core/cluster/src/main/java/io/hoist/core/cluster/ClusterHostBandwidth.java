package io.hoist.core.cluster;

import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source host's bandwidth budget ({@code controller_host_bandwidth_mibps}) shared by the nodes copying from it: each
 * node's copies from the host draw from a local budget of the host's rate times this node's share of the host's
 * active copies cluster-wide ({@link HostLeases} under {@link #LEDGER}), re-rated whenever a node starts or ends a
 * copy from the host, so the nodes together stay within the host's rate. Other budgets (plan, node) pass unchanged.
 */
final class ClusterHostBandwidth implements DiskCopyService {
    static final String LEDGER = "bandwidth";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHostBandwidth.class);
    private final DiskCopyService copier;
    private final BandwidthBudgets budgets;
    private final HostLeases leases;
    private final String self;
    /** Told the lease key whose copies changed (every node copying from the host re-rates). */
    private final Consumer<String> changed;
    /** The host's whole rate, by budget name, as the latest copy from it asked for. */
    private final Map<String, Double> rates = new ConcurrentHashMap<>();
    /** This node's copies running now, by host budget name. */
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    ClusterHostBandwidth(DiskCopyService copier, BandwidthBudgets budgets, HostLeases leases, String self, Consumer<String> changed) {
        this.copier = copier;
        this.budgets = budgets;
        this.leases = leases;
        this.self = self;
        this.changed = changed;
    }

    @Override
    public Result copy(CopyRequest r) throws Exception {
        Map<String, Double> shared = new LinkedHashMap<>(r.budgets() == null ? Map.of() : r.budgets());
        List<String> hosts = new ArrayList<>();
        shared.forEach((name, rate) -> {
            if (name.startsWith(HOST_BUDGET_PREFIX) && rate != null && rate > 0) {
                hosts.add(name);
            }
        });
        for (String name : hosts) {
            double rate = shared.get(name);
            rates.put(name, rate);
            running.merge(name, 1, Integer::sum);
            shared.put(name, share(rate, count(name, +1)));
            changed.accept(key(name));
        }
        try {
            return copier.copy(r.withBudgets(shared));
        } finally {
            for (String name : hosts) {
                running.merge(name, -1, (a, b) -> a + b == 0 ? null : a + b);
                count(name, -1);
                changed.accept(key(name));
            }
        }
    }

    @Override
    public void dropCheckpoint(String checkpointKey) {
        copier.dropCheckpoint(checkpointKey);
    }

    /** Sets this node's budget for the host of {@code key} to its share now (another node's copies changed). */
    void reRate(String key) {
        String name = key.substring(LEDGER.length() + 1);
        Double rate = rates.get(name);
        if (rate == null || !running.containsKey(name)) {
            return;
        }
        double share;
        try {
            share = share(rate, leases.counts(key));
        } catch (RuntimeException e) {
            LOG.warn("bandwidth of {}: the cluster's count is out of reach, share kept: {}", name, e.toString());
            return;
        }
        budgets.get(name).ifPresent(b -> b.setRate(share));
    }

    /** Re-rates every host this node copies from (a node left, or the periodic look). */
    void reRateAll() {
        running.keySet().forEach(name -> reRate(key(name)));
    }

    boolean owns(String key) {
        return key.startsWith(LEDGER + "|");
    }

    private static String key(String budgetName) {
        return LEDGER + "|" + budgetName;
    }

    /** Adds {@code delta} to this node's copies from the host; the counts after it (none when out of reach). */
    private Map<String, Integer> count(String name, int delta) {
        try {
            return leases.add(key(name), self, delta);
        } catch (RuntimeException e) {
            LOG.warn("bandwidth of {}: the cluster's count is out of reach: {}", name, e.toString());
            return Map.of();
        }
    }

    /** This node's part of {@code rate}: in proportion to its copies from the host among every node's. */
    private double share(double rate, Map<String, Integer> counts) {
        int mine = counts.getOrDefault(self, 0);
        int total = HostLeases.total(counts);
        return mine <= 0 || total <= 0 ? rate : rate * mine / total;
    }
}
