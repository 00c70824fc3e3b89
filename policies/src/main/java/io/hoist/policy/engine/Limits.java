package io.hoist.policy.engine;

import java.time.Duration;

/**
 * Sandbox for one evaluation: fuel (steps counted by our modules: loop iterations and rule calls), wall-clock
 * budget (enforced by interrupting the evaluating thread, which also stops OPA-built modules), and a memory cap
 * in 64 KiB Wasm pages.
 */
public record Limits(long fuel, Duration timeBudget, int maxMemoryPages, Mode mode, boolean strictBuiltinErrors,
                     boolean network) {
    public enum Mode { INTERPRETER, AOT }

    public Limits {
        if (fuel <= 0) throw new IllegalArgumentException("fuel: must be positive, got " + fuel);
        if (timeBudget == null || timeBudget.isNegative() || timeBudget.isZero())
            throw new IllegalArgumentException("timeBudget: must be a positive duration, got " + timeBudget);
        if (maxMemoryPages < 2 || maxMemoryPages > 65536)
            throw new IllegalArgumentException("maxMemoryPages: must be between 2 and 65536, got " + maxMemoryPages);
        if (mode == null) throw new IllegalArgumentException("mode: required");
    }

    /** Without network access (http.send, net.lookup_ip_addr fail as builtin errors). */
    public Limits(long fuel, Duration timeBudget, int maxMemoryPages, Mode mode, boolean strictBuiltinErrors) {
        this(fuel, timeBudget, maxMemoryPages, mode, strictBuiltinErrors, false);
    }

    /**
     * 50 million steps, 1 s, 256 MiB, interpreter, non-strict builtin errors (as OPA: a failing builtin makes
     * its expression undefined; strict mode fails the evaluation instead).
     */
    public static Limits defaults() {
        return new Limits(50_000_000L, Duration.ofSeconds(1), 4096, Mode.INTERPRETER, false);
    }

    public Limits withFuel(long f) { return new Limits(f, timeBudget, maxMemoryPages, mode, strictBuiltinErrors, network); }
    public Limits withTimeBudget(Duration d) { return new Limits(fuel, d, maxMemoryPages, mode, strictBuiltinErrors, network); }
    public Limits withMaxMemoryPages(int p) { return new Limits(fuel, timeBudget, p, mode, strictBuiltinErrors, network); }
    public Limits withMode(Mode m) { return new Limits(fuel, timeBudget, maxMemoryPages, m, strictBuiltinErrors, network); }
    /**
     * Lets http.send and net.lookup_ip_addr reach the network (hoist policy eval/test); off by default, so rules
     * the validation service runs never call out by surprise.
     */
    public Limits withNetwork(boolean n) { return new Limits(fuel, timeBudget, maxMemoryPages, mode, strictBuiltinErrors, n); }
    public Limits withStrictBuiltinErrors(boolean s) { return new Limits(fuel, timeBudget, maxMemoryPages, mode, s, network); }
}
