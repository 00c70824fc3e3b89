package io.hoist.core.model.template;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Go's view of Java values: truth, printing (%v) and number kinds. */
final class Values {
    private Values() {
    }

    /** Integers are Long, floats Double, so comparisons follow Go's kinds. */
    static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal b) {
            return b.doubleValue();
        }
        if (v instanceof Character c) {
            return String.valueOf(c);
        }
        if (v instanceof Enum<?> e) {
            return e.toString();
        }
        return v;
    }

    /** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
    static boolean truth(Object v) {
        v = normalize(v);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof Object[] a) {
            return a.length > 0;
        }
        return true;
    }

    /** fmt's %v. */
    static String print(Object v) {
        v = normalize(v);
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof Double d) {
            return formatFloat(d);
        }
        if (v instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : c) {
                if (sb.length() > 1) {
                    sb.append(' ');
                }
                sb.append(print(o));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new java.util.TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(print(e.getKey())).append(':').append(print(e.getValue()));
            }
            return sb.append(']').toString();
        }
        return v.toString();
    }

    /** strconv.FormatFloat(f, 'g', -1, 64) for the usual range: 3.75, 3, 1e+21. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return BigDecimal.valueOf(d).toBigInteger().toString();
        }
        double abs = Math.abs(d);
        if (abs < 1e-4 || abs >= 1e21) {
            String s = BigDecimal.valueOf(d).stripTrailingZeros().toString().replace("E", "e");
            return s.replaceAll("e(\\d)", "e+$1").replaceAll("e([+-])(\\d)$", "e$10$2");
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static String kind(Object v) {
        v = normalize(v);
        if (v == null) {
            return "nil";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof List<?>) {
            return "slice";
        }
        if (v instanceof Map<?, ?>) {
            return "map";
        }
        return v.getClass().getSimpleName();
    }
}
