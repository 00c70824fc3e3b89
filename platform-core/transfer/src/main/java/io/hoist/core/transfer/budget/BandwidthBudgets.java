package io.hoist.core.transfer.budget;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The named budgets of one process; the engine binds names to plans and source hosts. */
public final class BandwidthBudgets {
    private final Map<String, BandwidthBudget> byName = new ConcurrentHashMap<>();

    /** The budget called {@code name}, created with {@code mibPerSecond} if new, else re-rated to it. */
    public BandwidthBudget define(String name, double mibPerSecond) {
        BandwidthBudget budget = byName.computeIfAbsent(name, n -> new BandwidthBudget(n, mibPerSecond));
        budget.setRate(mibPerSecond);
        return budget;
    }

    public Optional<BandwidthBudget> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public void remove(String name) {
        BandwidthBudget removed = byName.remove(name);
        if (removed != null) {
            removed.setRate(0); // copies still holding it run unlimited rather than stall forever
        }
    }
}
