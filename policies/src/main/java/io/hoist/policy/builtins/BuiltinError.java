package io.hoist.policy.builtins;

/** A builtin failed: code is OPA's error code (eval_type_error or eval_builtin_error). */
public class BuiltinError extends RuntimeException {
    private final String code;

    public BuiltinError(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() { return code; }

    public static BuiltinError type(String fn, int operand, String want, Object got) {
        return new BuiltinError("eval_type_error", fn + ": operand " + operand + " must be " + want + " but got "
                + io.hoist.policy.runtime.Values.typeName(got));
    }
}
