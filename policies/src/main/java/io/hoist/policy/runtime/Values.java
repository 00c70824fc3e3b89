package io.hoist.policy.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rego values on the Java side (compile-time constants and host builtins): {@link #NULL}, Boolean, Double,
 * String, List, Map (TreeMap in OPA order) and Set (TreeSet in OPA order). {@link #ORDER} is the same total order
 * the Wasm runtime's compare function implements.
 */
public final class Values {
    /** Rego null (Java null means "undefined" in this code base). */
    public enum Null { NULL }

    public static final Null NULL = Null.NULL;
    public static final Comparator<Object> ORDER = Values::compare;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Values() {}

    public static int tag(Object v) {
        if (v instanceof Null) return Layout.NULL;
        if (v instanceof Boolean) return Layout.BOOL;
        if (v instanceof Number) return Layout.NUMBER;
        if (v instanceof String) return Layout.STRING;
        if (v instanceof List) return Layout.ARRAY;
        if (v instanceof Map) return Layout.OBJECT;
        if (v instanceof Set) return Layout.SET;
        throw new IllegalArgumentException("not a Rego value: " + v);
    }

    public static String typeName(Object v) {
        return switch (tag(v)) {
            case Layout.NULL -> "null";
            case Layout.BOOL -> "boolean";
            case Layout.NUMBER -> "number";
            case Layout.STRING -> "string";
            case Layout.ARRAY -> "array";
            case Layout.OBJECT -> "object";
            default -> "set";
        };
    }

    @SuppressWarnings("unchecked")
    public static int compare(Object a, Object b) {
        int ta = tag(a), tb = tag(b);
        if (ta != tb) return Integer.compare(ta, tb);
        switch (ta) {
            case Layout.NULL: return 0;
            case Layout.BOOL: return Boolean.compare((Boolean) a, (Boolean) b);
            case Layout.NUMBER: {
                if (a instanceof Double x && b instanceof Double y) return Double.compare(x, y);
                return big((Number) a).compareTo(big((Number) b));
            }
            case Layout.STRING: return compareUtf8((String) a, (String) b);
            case Layout.OBJECT: {
                Iterator<Map.Entry<Object, Object>> x = ((Map<Object, Object>) a).entrySet().iterator();
                Iterator<Map.Entry<Object, Object>> y = ((Map<Object, Object>) b).entrySet().iterator();
                while (x.hasNext() && y.hasNext()) {
                    Map.Entry<Object, Object> ex = x.next(), ey = y.next();
                    int c = compare(ex.getKey(), ey.getKey());
                    if (c != 0) return c;
                    c = compare(ex.getValue(), ey.getValue());
                    if (c != 0) return c;
                }
                return Boolean.compare(x.hasNext(), y.hasNext());
            }
            default: {
                Iterator<Object> x = ((Iterable<Object>) a).iterator(), y = ((Iterable<Object>) b).iterator();
                while (x.hasNext() && y.hasNext()) {
                    int c = compare(x.next(), y.next());
                    if (c != 0) return c;
                }
                return Boolean.compare(x.hasNext(), y.hasNext());
            }
        }
    }

    public static BigDecimal big(Number n) {
        if (n instanceof BigDecimal b) return b;
        double d = n.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) return BigDecimal.valueOf(Double.MAX_VALUE).multiply(BigDecimal.valueOf(Math.signum(d)));
        return new BigDecimal(d);
    }

    /** Byte order of UTF-8, which is code point order (Java's compareTo is UTF-16 order). */
    public static int compareUtf8(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    public static TreeMap<Object, Object> newObject() { return new TreeMap<>(ORDER); }

    public static TreeSet<Object> newSet() { return new TreeSet<>(ORDER); }

    public static boolean equal(Object a, Object b) { return compare(a, b) == 0; }

    // ---------------------------------------------------------------- JSON
    public static Object fromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return NULL;
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isTextual()) return n.textValue();
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(fromJson(e)));
            return l;
        }
        TreeMap<Object, Object> m = newObject();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), fromJson(e.getValue())));
        return m;
    }

    public static Object parseJson(String text) {
        try {
            return fromJson(JSON.readTree(text));
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static JsonNode toJson(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (tag(v)) {
            case Layout.NULL: return f.nullNode();
            case Layout.BOOL: return f.booleanNode((Boolean) v);
            case Layout.NUMBER: {
                if (v instanceof BigDecimal b) return f.numberNode(b);
                double d = ((Number) v).doubleValue();
                if (d == Math.rint(d) && Math.abs(d) < 1e18) return f.numberNode((long) d);
                return f.numberNode(new BigDecimal(Double.toString(d)));
            }
            case Layout.STRING: return f.textNode((String) v);
            case Layout.OBJECT: {
                ObjectNode o = f.objectNode();
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
                    String key = e.getKey() instanceof String s ? s : toJsonText(e.getKey());
                    o.set(key, toJson(e.getValue()));
                }
                return o;
            }
            default: {
                ArrayNode a = f.arrayNode();
                for (Object e : (Iterable<Object>) v) a.add(toJson(e));
                return a;
            }
        }
    }

    public static String toJsonText(Object v) {
        try {
            return JSON.writeValueAsString(toJson(v));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rego's textual form (sets as {a, b}, set() when empty), used by sprintf %v and error messages. */
    @SuppressWarnings("unchecked")
    public static String toRegoText(Object v) {
        if (v instanceof Set<?> s) {
            if (s.isEmpty()) return "set()";
            StringBuilder b = new StringBuilder("{");
            for (Object e : s) { if (b.length() > 1) b.append(", "); b.append(toRegoText(e)); }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (Object e : l) { if (b.length() > 1) b.append(", "); b.append(toRegoText(e)); }
            return b.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (b.length() > 1) b.append(", ");
                b.append(toRegoText(e.getKey())).append(": ").append(toRegoText(e.getValue()));
            }
            return b.append('}').toString();
        }
        return toJsonText(v);
    }

    /** An integer with more digits than this stays a float (1e100000000 must not become a 100-million-digit integer). */
    public static final int MAX_INTEGER_DIGITS = 10_000;

    /**
     * A number as the runtime keeps it: a Double when float64 holds the value exactly (integers below 2^53, decimals
     * whose shortest float64 text reads back to them), else the BigDecimal, whose exact text the Wasm value carries.
     */
    public static Object exactNumber(BigDecimal v) {
        if (isExactInteger(v)) {
            java.math.BigInteger i = v.toBigIntegerExact();
            return i.abs().bitLength() <= 53 ? (Object) i.doubleValue() : new BigDecimal(i);
        }
        double d = v.doubleValue();
        if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(v) == 0) return d;
        return v.stripTrailingZeros();
    }

    /** An integral value of at most {@link #MAX_INTEGER_DIGITS} digits (OPA computes those as big integers). */
    public static boolean isExactInteger(BigDecimal b) {
        return b.signum() == 0 || (b.scale() <= 0 || b.stripTrailingZeros().scale() <= 0)
                && (long) b.precision() - b.scale() <= MAX_INTEGER_DIGITS;
    }

    public static String numberText(Number n) {
        if (n instanceof BigDecimal b) {
            // Go's big-number text as OPA prints it: 2e308, not 2E+308
            String t = b.toString().replace("E+", "e").replace("E", "e");
            return t;
        }
        return numberText(n.doubleValue());
    }

    public static String numberText(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e18) return Long.toString((long) d);
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
