package io.hoist.policy.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import io.hoist.policy.runtime.Values;
import java.util.Collection;

/**
 * Numbers as OPA computes them: integers of any size exactly (big.Int), other numbers as floats. Values are a Double
 * when float64 holds them exactly, else a BigDecimal (the Wasm value then carries its exact text). The Wasm runtime
 * does float64 arithmetic inline and calls the {@code internal.exact_*} builtins only when an operand carries exact
 * text or an integer result reaches 2^53, so the common case never leaves Wasm.
 */
public final class ExactArithmetic {
    /** Builtins the Wasm runtime calls for arithmetic it cannot do in float64, indexed by Runtime's operator codes. */
    public static final String[] OPERATORS = {"internal.exact_plus", "internal.exact_minus", "internal.exact_mul",
            "internal.exact_div", "internal.exact_rem"};

    static final double TWO_53 = 9007199254740992.0;
    /** Non-integer results keep about as many digits as OPA's big.Float (64-bit mantissa, 19.3 decimal digits). */
    private static final MathContext FLOAT = new MathContext(20, RoundingMode.HALF_EVEN);

    private ExactArithmetic() {}

    static void register() {
        String[] names = {"plus", "minus", "mul", "div", "rem"};
        for (int op = 0; op < OPERATORS.length; op++) {
            int o = op;
            Builtins.define(OPERATORS[op], 2, a -> apply(o, Builtins.number(names[o], a, 0), Builtins.number(names[o], a, 1)));
        }
    }

    /** x op y with op one of plus, minus, mul, div, rem (0..4), as OPA's arithmetic builtins. */
    public static Object apply(int op, Number x, Number y) {
        if (x instanceof Double a && y instanceof Double b && op <= 2) {
            double r = op == 0 ? a + b : op == 1 ? a - b : a * b;
            // float64 is exact for integers until a result reaches 2^53; fractions stay float64 as before
            if (!(integral(a) && integral(b) && Math.abs(r) >= TWO_53)) return r;
        }
        BigDecimal bx = exact(x), by = exact(y);
        boolean ints = integer(bx) && integer(by);
        switch (op) {
            case 0: return ints ? of(bx.add(by)) : of(bx.add(by, FLOAT));
            case 1: return ints ? of(bx.subtract(by)) : of(bx.subtract(by, FLOAT));
            case 2: return ints ? of(bx.multiply(by)) : of(bx.multiply(by, FLOAT));
            case 3:
                if (by.signum() == 0) throw new BuiltinError("eval_builtin_error", "div: divide by zero");
                if (ints && bx.signum() != 0 && bx.remainder(by).signum() == 0) return of(bx.divide(by));
                return of(bx.divide(by, FLOAT));
            default:
                if (!ints) throw new BuiltinError("eval_builtin_error", "rem: modulo on floating-point number");
                if (by.signum() == 0) throw new BuiltinError("eval_builtin_error", "rem: modulo by zero");
                return of(new BigDecimal(bx.toBigIntegerExact().remainder(by.toBigIntegerExact())));
        }
    }

    /** -1, 0 or 1: the exact order of two numbers (float64 values taken as the shortest decimal that reads back). */
    public static int compare(Number x, Number y) { return exact(x).compareTo(exact(y)); }

    static Object abs(Number x) {
        return x instanceof Double d ? (Object) Math.abs(d) : of(exact(x).abs());
    }

    /** round (half away from zero), ceil and floor: mode is HALF_UP, CEILING or FLOOR. */
    static Object toInteger(Number x, RoundingMode mode) {
        if (x instanceof Double d && Math.abs(d) < TWO_53) {
            return mode == RoundingMode.HALF_UP ? (double) (d < 0 ? -Math.round(-d) : Math.round(d))
                    : mode == RoundingMode.CEILING ? Math.ceil(d) : Math.floor(d);
        }
        BigDecimal b = exact(x);
        if (digits(b) > Values.MAX_INTEGER_DIGITS) return x;
        return of(b.setScale(0, mode));
    }

    static Object sum(String fn, Collection<Object> xs) {
        Object s = 0.0;
        for (Object x : xs) s = apply(0, element(fn, x, xs), (Number) s);
        return s;
    }

    static Object product(String fn, Collection<Object> xs) {
        Object s = 1.0;
        for (Object x : xs) s = apply(2, element(fn, x, xs), (Number) s);
        return s;
    }

    /** A Double when float64 holds the value exactly, else the BigDecimal (see {@link Values#exactNumber}). */
    public static Object of(BigDecimal v) { return Values.exactNumber(v); }

    /**
     * The value a number denotes: a BigDecimal as is; a float64 integer from 2^53 (units.parse("10Ei"), a computed
     * float) as its exact binary value; any other float64 as the shortest decimal that reads back to it (0.1, not
     * 0.1000000000000000055...), which is the literal it came from.
     */
    static BigDecimal exact(Number n) {
        if (n instanceof BigDecimal b) return b;
        if (n instanceof BigInteger i) return new BigDecimal(i);
        double d = n.doubleValue();
        if (!Double.isFinite(d)) throw new BuiltinError("eval_builtin_error", "number is not finite");
        return Math.abs(d) >= TWO_53 ? new BigDecimal(d) : new BigDecimal(Double.toString(d));
    }

    private static boolean integer(BigDecimal b) { return Values.isExactInteger(b); }

    private static long digits(BigDecimal b) { return (long) b.precision() - b.scale(); }

    private static boolean integral(double d) { return d == Math.rint(d) && !Double.isInfinite(d); }

    private static Number element(String fn, Object x, Collection<Object> xs) {
        if (x instanceof Number n) return n;
        throw BuiltinError.type(fn, 1, "any of {array, set} of numbers", xs);
    }
}
