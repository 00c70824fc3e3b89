package io.hoist.policy.engine;

/**
 * An evaluation failed. code is OPA's error code where one applies (eval_conflict_error, eval_type_error,
 * eval_builtin_error) or a sandbox code (fuel_exhausted, time_limit_exceeded, memory_limit_error) or
 * policy_abort / wasm_trap.
 */
public class PolicyEvaluationException extends RuntimeException {
    private final String code;

    public PolicyEvaluationException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public PolicyEvaluationException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public String code() { return code; }
}
