package io.hoist.policy.builtins;

import java.util.HashMap;
import java.util.Map;

/**
 * What one evaluation on this thread shares between its builtin calls: OPA memoises non-deterministic builtins
 * (uuid.rfc4122, rand.intn, http.send) per query, so the same arguments give the same value within it, and
 * whether this evaluation may reach the network at all. Evaluations do not nest on one thread.
 */
public final class EvaluationContext {
    private static final ThreadLocal<EvaluationContext> CURRENT = ThreadLocal.withInitial(EvaluationContext::new);

    private boolean networkAllowed;
    /** Created on first use: most evaluations call no memoised builtin, and validation runs thousands a second. */
    private Map<String, Object> memo;

    private EvaluationContext() {}

    /** Starts a fresh context for the evaluation about to run on this thread (one object per thread, reset). */
    static void start(boolean networkAllowed) {
        EvaluationContext c = CURRENT.get();
        c.networkAllowed = networkAllowed;
        c.memo = null;
    }

    static EvaluationContext current() { return CURRENT.get(); }

    boolean networkAllowed() { return networkAllowed; }

    /** The value memoised under key in this evaluation, computed once. */
    Object memo(String key, java.util.function.Supplier<Object> compute) {
        if (memo == null) memo = new HashMap<>();
        Object v = memo.get(key);
        if (v == null) {
            v = compute.get();
            if (v != null) memo.put(key, v);
        }
        return v;
    }

    /** Refuses a builtin that would reach the network when this evaluation may not. */
    static void requireNetwork(String fn) {
        if (!current().networkAllowed) {
            throw new BuiltinError("eval_builtin_error", fn + ": network access is disabled for this evaluation"
                    + " (the validation service never reaches the network; `hoist policy eval/test` allow it)");
        }
    }
}
