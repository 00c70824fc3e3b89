package io.hoist.policy.builtins;

import io.hoist.policy.runtime.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builtins the Wasm code calls through opa_builtinN. A builtin's id is its index in {@link #ALL}; modules
 * list the ids they use in their builtins() export. Implementations return null for "undefined" and throw
 * {@link BuiltinError} for errors.
 */
public final class Builtins {
    /** relation: the builtin returns all solutions as an array and "f(x, out)" iterates over them. */
    public record Builtin(String name, int arity, boolean relation, Function<Object[], Object> fn) {}

    private static final List<Builtin> ALL = new ArrayList<>();
    /** Go's strconv.ParseFloat syntax: decimal with optional exponent, or hexadecimal with a binary exponent. */
    private static final java.util.regex.Pattern GO_FLOAT = java.util.regex.Pattern.compile(
            "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)[pP][+-]?\\d+)");
    private static final Map<String, Integer> IDS = new LinkedHashMap<>();

    /** Largest collection a host builtin builds (16 MiB of Wasm values at least; the memory cap bounds the rest). */
    static final long MAX_HOST_ELEMENTS = 1_000_000;

    private Builtins() {}

    public static Builtin get(String name) {
        Integer id = IDS.get(name);
        return id == null ? null : ALL.get(id);
    }

    public static int id(String name) { return IDS.get(name); }

    public static Builtin byId(int id) { return ALL.get(id); }

    private static void def(String name, int arity, Function<Object[], Object> fn) {
        IDS.put(name, ALL.size());
        ALL.add(new Builtin(name, arity, false, fn));
    }

    private static void rel(String name, int arity, Function<Object[], Object> fn) {
        IDS.put(name, ALL.size());
        ALL.add(new Builtin(name, arity, true, fn));
    }

    // ------------------------------------------------------------------ argument helpers
    static String str(String fn, Object[] a, int i) {
        if (a[i] instanceof String s) return s;
        throw BuiltinError.type(fn, i + 1, "string", a[i]);
    }

    static double num(String fn, Object[] a, int i) {
        if (a[i] instanceof Number d) return d.doubleValue();
        throw BuiltinError.type(fn, i + 1, "number", a[i]);
    }

    static Number number(String fn, Object[] a, int i) {
        if (a[i] instanceof Number n) return n;
        throw BuiltinError.type(fn, i + 1, "number", a[i]);
    }

    static long integer(String fn, Object[] a, int i) {
        double d = num(fn, a, i);
        if (d != Math.rint(d)) throw new BuiltinError("eval_type_error", fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        return (long) d;
    }

    @SuppressWarnings("unchecked")
    static List<Object> arr(String fn, Object[] a, int i) {
        if (a[i] instanceof List<?> l) return (List<Object>) l;
        throw BuiltinError.type(fn, i + 1, "array", a[i]);
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> obj(String fn, Object[] a, int i) {
        if (a[i] instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        throw BuiltinError.type(fn, i + 1, "object", a[i]);
    }

    @SuppressWarnings("unchecked")
    static Set<Object> set(String fn, Object[] a, int i) {
        if (a[i] instanceof Set<?> s) return (Set<Object>) s;
        throw BuiltinError.type(fn, i + 1, "set", a[i]);
    }

    @SuppressWarnings("unchecked")
    static Collection<Object> coll(String fn, Object[] a, int i) {
        if (a[i] instanceof List<?> l) return (List<Object>) l;
        if (a[i] instanceof Set<?> s) return (Set<Object>) s;
        throw BuiltinError.type(fn, i + 1, "any of {array, set}", a[i]);
    }

    static Double d(double v) { return v; }

    static BigInteger bigInteger(String fn, Object[] a, int i) {
        if (!(a[i] instanceof Number n)) throw BuiltinError.type(fn, i + 1, "number", a[i]);
        BigDecimal b = Values.big(n);
        if (b.stripTrailingZeros().scale() > 0) throw new BuiltinError("eval_type_error", fn + ": operand " + (i + 1) + " must be integer number but got floating-point number");
        return b.toBigInteger();
    }

    /** A Double when float64 holds it exactly, else the exact BigDecimal. */
    static Object exact(BigInteger v) {
        double d = v.doubleValue();
        return Math.abs(d) < 9007199254740992.0 ? (Object) d : new BigDecimal(v);
    }

    static Object bool(boolean b) { return b; }

    private static Set<Object> setOf(Collection<?> c) {
        TreeSet<Object> s = Values.newSet();
        s.addAll(c);
        return s;
    }

    static {
        Strings.register();
        Collections.register();
        Encoding.register();
        Numbers.register();
        ExactArithmetic.register();
        Output.register();
        Time.register();
        Crypto.register();
        Net.register();
        Graph.register();
        Jwt.register();
        X509.register();
        Uuid.register();
        AwsSigV4.register();
        SchemaValidation.register();
        Graphql.register();
        Network.register();
        Keys.register();
        RegoAst.register();
        TextTemplate.register();
    }

    /**
     * Called by the host as each evaluation starts: values that are fixed for one evaluation (time.now_ns, as in
     * OPA) are taken afresh. Evaluations do not nest on one thread.
     */
    public static void startEvaluation() { startEvaluation(false); }

    /** As {@link #startEvaluation()}; networkAllowed lets http.send and net.lookup_ip_addr run in this evaluation. */
    public static void startEvaluation(boolean networkAllowed) {
        Time.resetClock();
        EvaluationContext.start(networkAllowed);
    }

    /** Registration entry points used by the groups of builtins below. */
    static void define(String name, int arity, Function<Object[], Object> fn) { def(name, arity, fn); }

    static void relation(String name, int arity, Function<Object[], Object> fn) { rel(name, arity, fn); }

    // ================================================================== numbers and aggregates
    static final class Numbers {
        static void register() {
            def("abs", 1, a -> ExactArithmetic.abs(number("abs", a, 0)));
            def("round", 1, a -> ExactArithmetic.toInteger(number("round", a, 0), java.math.RoundingMode.HALF_UP));
            def("ceil", 1, a -> ExactArithmetic.toInteger(number("ceil", a, 0), java.math.RoundingMode.CEILING));
            def("floor", 1, a -> ExactArithmetic.toInteger(number("floor", a, 0), java.math.RoundingMode.FLOOR));
            def("sum", 1, a -> ExactArithmetic.sum("sum", coll("sum", a, 0)));
            def("product", 1, a -> ExactArithmetic.product("product", coll("product", a, 0)));
            def("max", 1, a -> coll("max", a, 0).stream().max(Values.ORDER).orElse(null));
            def("min", 1, a -> coll("min", a, 0).stream().min(Values.ORDER).orElse(null));
            def("sort", 1, a -> { List<Object> l = new ArrayList<>(coll("sort", a, 0)); l.sort(Values.ORDER); return l; });
            def("numbers.range", 2, a -> {
                long x = integer("numbers.range", a, 0), y = integer("numbers.range", a, 1);
                // the host must not build what the policy's memory cap could never hold
                if (Math.abs(y - x) > MAX_HOST_ELEMENTS) throw new BuiltinError("eval_builtin_error", "numbers.range: result of " + (Math.abs(y - x) + 1) + " elements is too large");
                List<Object> l = new ArrayList<>();
                if (x <= y) for (long i = x; i <= y; i++) l.add((double) i);
                else for (long i = x; i >= y; i--) l.add((double) i);
                return l;
            });
            def("numbers.range_step", 3, a -> {
                String fn = "numbers.range_step";
                long x = integer(fn, a, 0), y = integer(fn, a, 1);
                BigInteger step = bigInteger(fn, a, 2);
                if (step.signum() <= 0) throw new BuiltinError("eval_builtin_error", fn + ": step must be a positive integer");
                long st = step.bitLength() > 62 ? Long.MAX_VALUE : step.longValue();
                if (Math.abs(y - x) / st > MAX_HOST_ELEMENTS) throw new BuiltinError("eval_builtin_error", fn + ": result is too large");
                List<Object> l = new ArrayList<>();
                // a step past the end stops the walk; the end itself is included only when a step lands on it
                if (x <= y) for (long i = x; i <= y; i = i > y - st ? y + 1 : i + st) l.add((double) i);
                else for (long i = x; i >= y; i = i < y + st ? y - 1 : i - st) l.add((double) i);
                return l;
            });
            def("to_number", 1, a -> {
                Object x = a[0];
                if (x instanceof Number) return x;
                if (x instanceof Boolean b) return d(b ? 1 : 0);
                if (x == Values.NULL) return d(0);
                if (x instanceof String s) {
                    // as OPA: infinities and NaN (any case, any leading signs) are a type error; the rest must be
                    // Go float syntax (Java's parser also takes "1d", "1f", " 1", which Go refuses)
                    String bare = s.replaceFirst("^[+-]+", "").toLowerCase(Locale.ROOT);
                    if (bare.equals("inf") || bare.equals("infinity") || bare.equals("nan"))
                        throw BuiltinError.type("to_number", 1, "valid number string", s);
                    if (!GO_FLOAT.matcher(s).matches()) throw new BuiltinError("eval_builtin_error", "strconv.ParseFloat: parsing " + Values.toJsonText(s) + ": invalid syntax");
                    // decimal text keeps its exact value, as OPA keeps the string as its number
                    if (s.indexOf('x') < 0 && s.indexOf('X') < 0) return ExactArithmetic.of(new BigDecimal(s));
                    return Double.parseDouble(s);
                }
                throw BuiltinError.type("to_number", 1, "one of {boolean, null, number, string}", x);
            });
            def("format_int", 2, a -> {
                double x = num("format_int", a, 0);
                long base = integer("format_int", a, 1);
                if (base != 2 && base != 8 && base != 10 && base != 16) throw new BuiltinError("eval_type_error", "format_int: operand 2 must be one of {2, 8, 10, 16}");
                long v = (long) (x < 0 ? Math.ceil(x) : Math.floor(x));
                return Long.toString(v, (int) base);
            });
            def("bits.or", 2, a -> d(integer("bits.or", a, 0) | integer("bits.or", a, 1)));
            def("bits.and", 2, a -> d(integer("bits.and", a, 0) & integer("bits.and", a, 1)));
            def("bits.xor", 2, a -> d(integer("bits.xor", a, 0) ^ integer("bits.xor", a, 1)));
            def("bits.negate", 1, a -> d(~integer("bits.negate", a, 0)));
            def("bits.lsh", 2, a -> {
                BigInteger x = bigInteger("bits.lsh", a, 0);
                long s = integer("bits.lsh", a, 1);
                if (s < 0) throw new BuiltinError("eval_type_error", "bits.lsh: operand 2 must be an unsigned integer number but got a negative integer");
                return exact(x.shiftLeft((int) s));
            });
            def("bits.rsh", 2, a -> {
                long x = integer("bits.rsh", a, 0), s = integer("bits.rsh", a, 1);
                if (s < 0) throw new BuiltinError("eval_type_error", "bits.rsh: operand 2 must be an unsigned integer number but got a negative integer");
                return d(x >> Math.min(s, 63));
            });
            def("units.parse_bytes", 1, a -> Units.parseBytes(str("units.parse_bytes", a, 0)));
            def("units.parse", 1, a -> Units.parse(str("units.parse", a, 0)));
        }
    }

    // ================================================================== collections
    static final class Collections {
        static void register() {
            def("internal.set_diff", 2, a -> {
                Set<Object> s = setOf(set("minus", a, 0));
                s.removeAll(set("minus", a, 1));
                return s;
            });
            def("or", 2, a -> { Set<Object> s = setOf(set("or", a, 0)); s.addAll(set("or", a, 1)); return s; });
            def("and", 2, a -> { Set<Object> s = setOf(set("and", a, 0)); s.retainAll(set("and", a, 1)); return s; });
            def("union", 1, a -> {
                Set<Object> s = Values.newSet();
                for (Object x : set("union", a, 0)) {
                    if (!(x instanceof Set<?> inner)) throw BuiltinError.type("union", 1, "set of sets", a[0]);
                    s.addAll(inner);
                }
                return s;
            });
            def("intersection", 1, a -> {
                Set<Object> s = null;
                for (Object x : set("intersection", a, 0)) {
                    if (!(x instanceof Set<?> inner)) throw BuiltinError.type("intersection", 1, "set of sets", a[0]);
                    if (s == null) s = setOf(inner); else s.retainAll(inner);
                }
                return s == null ? Values.newSet() : s;
            });
            def("array.concat", 2, a -> { List<Object> l = new ArrayList<>(arr("array.concat", a, 0)); l.addAll(arr("array.concat", a, 1)); return l; });
            def("array.slice", 3, a -> {
                List<Object> l = arr("array.slice", a, 0);
                long s = integer("array.slice", a, 1), e = integer("array.slice", a, 2);
                s = Math.max(0, s);
                e = Math.min(l.size(), e);
                if (s >= e) return new ArrayList<>();
                return new ArrayList<>(l.subList((int) s, (int) e));
            });
            def("array.flatten", 1, a -> {
                List<Object> out = new ArrayList<>();
                // one level only, as OPA: nested arrays inside the elements stay
                for (Object x : arr("array.flatten", a, 0)) {
                    if (x instanceof List<?> inner) out.addAll(inner); else out.add(x);
                }
                return out;
            });
            def("array.reverse", 1, a -> { List<Object> l = new ArrayList<>(arr("array.reverse", a, 0)); java.util.Collections.reverse(l); return l; });
            def("object.get", 3, a -> {
                Map<Object, Object> o = obj("object.get", a, 0);
                if (a[1] instanceof List<?> path) {
                    Object cur = o;
                    for (Object k : path) {
                        Object next = child(cur, k);
                        if (next == null) return a[2];
                        cur = next;
                    }
                    return cur;
                }
                Object v = o.get(a[1]);
                return v == null ? a[2] : v;
            });
            def("object.keys", 1, a -> setOf(obj("object.keys", a, 0).keySet()));
            def("object.remove", 2, a -> {
                Map<Object, Object> o = obj("object.remove", a, 0);
                Collection<Object> keys;
                if (a[1] instanceof Map<?, ?> km) keys = new ArrayList<>(((Map<Object, Object>) km).keySet());
                else if (a[1] instanceof List<?> || a[1] instanceof Set<?>) keys = coll("object.remove", a, 1);
                else throw BuiltinError.type("object.remove", 2, "one of {array, object, set}", a[1]);
                TreeMap<Object, Object> r = Values.newObject();
                r.putAll(o);
                keys.forEach(r::remove);
                return r;
            });
            def("object.filter", 2, a -> {
                Map<Object, Object> o = obj("object.filter", a, 0);
                Collection<Object> keys;
                if (a[1] instanceof Map<?, ?> km) keys = new ArrayList<>(((Map<Object, Object>) km).keySet());
                else if (a[1] instanceof List<?> || a[1] instanceof Set<?>) keys = coll("object.filter", a, 1);
                else throw BuiltinError.type("object.filter", 2, "one of {array, object, set}", a[1]);
                TreeMap<Object, Object> r = Values.newObject();
                for (Object k : keys) if (o.containsKey(k)) r.put(k, o.get(k));
                return r;
            });
            def("object.union", 2, a -> mergeObjects(obj("object.union", a, 0), obj("object.union", a, 1)));
            def("object.union_n", 1, a -> {
                Map<Object, Object> r = Values.newObject();
                for (Object x : arr("object.union_n", a, 0)) {
                    if (!(x instanceof Map<?, ?> m)) throw BuiltinError.type("object.union_n", 1, "array of objects", a[0]);
                    r = mergeObjects(r, (Map<Object, Object>) m);
                }
                return r;
            });
            def("object.subset", 2, a -> bool(subset(a[0], a[1])));
            def("is_number", 1, a -> a[0] instanceof Number);
            def("is_string", 1, a -> a[0] instanceof String );
            def("is_boolean", 1, a -> a[0] instanceof Boolean );
            def("is_array", 1, a -> a[0] instanceof List );
            def("is_set", 1, a -> a[0] instanceof Set );
            def("is_object", 1, a -> a[0] instanceof Map );
            def("is_null", 1, a -> a[0] == Values.NULL );
            def("type_name", 1, a -> Values.typeName(a[0]));
            def("cast_null", 1, a -> { if (a[0] != Values.NULL) throw BuiltinError.type("cast_null", 1, "null", a[0]); return a[0]; });
            def("cast_string", 1, a -> { str("cast_string", a, 0); return a[0]; });
            def("cast_boolean", 1, a -> { if (!(a[0] instanceof Boolean)) throw BuiltinError.type("cast_boolean", 1, "boolean", a[0]); return a[0]; });
            def("cast_object", 1, a -> obj("cast_object", a, 0));
            def("set_diff", 2, a -> { Set<Object> s = setOf(set("set_diff", a, 0)); s.removeAll(set("set_diff", a, 1)); return s; });
            def("internal.count_type_error", 1, a -> {
                throw BuiltinError.type("count", 1, "one of {array, object, set, string}", a[0]);
            });
            def("opa.runtime", 0, a -> Values.newObject());
            def("cast_array", 1, a -> new ArrayList<>(coll("cast_array", a, 0)));
            def("cast_set", 1, a -> setOf(coll("cast_set", a, 0)));
            def("to_array", 1, a -> new ArrayList<>(coll("to_array", a, 0)));
            def("to_set", 1, a -> setOf(coll("to_set", a, 0)));
            def("any", 1, a -> bool(coll("any", a, 0).contains(Boolean.TRUE)));
            def("all", 1, a -> bool(coll("all", a, 0).stream().allMatch(Boolean.TRUE::equals)));
            def("json.filter", 2, a -> Json.filter(obj("json.filter", a, 0), coll("json.filter", a, 1)));
            def("json.remove", 2, a -> Json.remove(obj("json.remove", a, 0), coll("json.remove", a, 1)));
            def("json.patch", 2, a -> JsonPatch.apply(a[0], arr("json.patch", a, 1)));
            rel("walk", 1, a -> {
                List<Object> out = new ArrayList<>();
                walk(new ArrayList<>(), a[0], out);
                return out;
            });
        }

        @SuppressWarnings("unchecked")
        static Object child(Object cur, Object k) {
            if (cur instanceof Map<?, ?> m) return m.get(k);
            if (cur instanceof List<?> l && k instanceof Double d && d == Math.rint(d) && d >= 0 && d < l.size()) return l.get(d.intValue());
            if (cur instanceof Set<?> s && s.contains(k)) return k;
            return null;
        }

        @SuppressWarnings("unchecked")
        static Map<Object, Object> mergeObjects(Map<Object, Object> x, Map<Object, Object> y) {
            TreeMap<Object, Object> r = Values.newObject();
            r.putAll(x);
            for (Map.Entry<Object, Object> e : y.entrySet()) {
                Object old = r.get(e.getKey());
                if (old instanceof Map<?, ?> om && e.getValue() instanceof Map<?, ?> nm) {
                    r.put(e.getKey(), mergeObjects((Map<Object, Object>) om, (Map<Object, Object>) nm));
                } else r.put(e.getKey(), e.getValue());
            }
            return r;
        }

        @SuppressWarnings("unchecked")
        static boolean subset(Object sup, Object sub) {
            if (sup instanceof Map<?, ?> a && sub instanceof Map<?, ?> b) {
                for (Map.Entry<?, ?> e : b.entrySet()) {
                    Object v = a.get(e.getKey());
                    if (v == null || !subset(v, e.getValue())) return false;
                }
                return true;
            }
            if (sup instanceof Set<?> a && sub instanceof Set<?> b) return a.containsAll(b);
            if (sup instanceof List<?> a && sub instanceof List<?> b) {
                for (int i = 0; i + b.size() <= a.size(); i++) {
                    if (Values.equal(a.subList(i, i + b.size()), b)) return true;
                }
                return false;
            }
            if (sup instanceof List<?> a && sub instanceof Set<?> b) return setOf(a).containsAll(b);
            return Values.equal(sup, sub);
        }

        @SuppressWarnings("unchecked")
        static void walk(List<Object> path, Object v, List<Object> out) {
            out.add(new ArrayList<>(List.of(new ArrayList<>(path), v)));
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) {
                    path.add(e.getKey());
                    walk(path, e.getValue(), out);
                    path.remove(path.size() - 1);
                }
            } else if (v instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    path.add((double) i);
                    walk(path, l.get(i), out);
                    path.remove(path.size() - 1);
                }
            } else if (v instanceof Set<?> s) {
                for (Object e : s) {
                    path.add(e);
                    walk(path, e, out);
                    path.remove(path.size() - 1);
                }
            }
        }
    }

    // ================================================================== encodings
    static final class Encoding {
        static void register() {
            def("json.marshal", 1, a -> Values.toJsonText(a[0]));
            def("json.marshal_with_options", 2, a -> {
                String fn = "json.marshal_with_options";
                Map<Object, Object> opts = obj(fn, a, 1);
                for (Map.Entry<Object, Object> e : opts.entrySet()) {
                    switch (String.valueOf(e.getKey())) {
                        case "pretty" -> { if (!(e.getValue() instanceof Boolean)) throw new BuiltinError("eval_type_error", fn + ": pretty must be a boolean"); }
                        case "indent", "prefix" -> { if (!(e.getValue() instanceof String)) throw new BuiltinError("eval_type_error", fn + ": " + e.getKey() + " must be a string"); }
                        default -> throw new BuiltinError("eval_type_error", fn + ": object operand must only contain the keys \"pretty\", \"indent\" and \"prefix\", got " + Values.toJsonText(e.getKey()));
                    }
                }
                // OPA: an indent or prefix implies pretty unless pretty is false; pretty alone indents with a tab
                boolean pretty = opts.get("pretty") instanceof Boolean b ? b : opts.containsKey("indent") || opts.containsKey("prefix");
                if (!pretty) return Values.toJsonText(a[0]);
                String indent = opts.get("indent") instanceof String i ? i : "\t";
                String prefix = opts.get("prefix") instanceof String x ? x : "";
                StringBuilder out = new StringBuilder();
                indented(a[0], prefix, indent, 0, out);
                return out.toString();
            });
            def("json.unmarshal", 1, a -> {
                try { return Values.parseJson(str("json.unmarshal", a, 0)); }
                catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", "json.unmarshal: " + e.getMessage()); }
            });
            def("json.is_valid", 1, a -> {
                if (!(a[0] instanceof String)) return false;
                try { Values.parseJson(str("json.is_valid", a, 0)); return true; } catch (IllegalArgumentException e) { return false; }
            });
            def("yaml.marshal", 1, a -> {
                try { return YAML.writeValueAsString(Values.toJson(a[0])); }
                catch (Exception e) { throw new BuiltinError("eval_builtin_error", "yaml.marshal: " + e.getMessage()); }
            });
            def("yaml.unmarshal", 1, a -> {
                try { return Values.fromJson(YAML.readTree(str("yaml.unmarshal", a, 0))); }
                catch (BuiltinError e) { throw e; }
                catch (Exception e) { throw new BuiltinError("eval_builtin_error", "yaml.unmarshal: " + e.getMessage().split("\n")[0]); }
            });
            def("yaml.is_valid", 1, a -> {
                if (!(a[0] instanceof String s)) return false;
                try { YAML.readTree(s); return true; } catch (Exception e) { return false; }
            });
            def("base64.encode", 1, a -> Base64.getEncoder().encodeToString(str("base64.encode", a, 0).getBytes(StandardCharsets.UTF_8)));
            def("base64.decode", 1, a -> {
                try { return new String(Base64.getDecoder().decode(str("base64.decode", a, 0)), StandardCharsets.UTF_8); }
                catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", "base64.decode: illegal base64 data"); }
            });
            def("base64.is_valid", 1, a -> {
                try { Base64.getDecoder().decode(str("base64.is_valid", a, 0)); return true; } catch (IllegalArgumentException e) { return false; }
            });
            def("base64url.encode", 1, a -> Base64.getUrlEncoder().encodeToString(str("base64url.encode", a, 0).getBytes(StandardCharsets.UTF_8)));
            def("base64url.encode_no_pad", 1, a -> Base64.getUrlEncoder().withoutPadding().encodeToString(str("base64url.encode_no_pad", a, 0).getBytes(StandardCharsets.UTF_8)));
            def("base64url.decode", 1, a -> {
                try { return new String(Base64.getUrlDecoder().decode(str("base64url.decode", a, 0)), StandardCharsets.UTF_8); }
                catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", "base64url.decode: illegal base64 data"); }
            });
            def("hex.encode", 1, a -> {
                StringBuilder b = new StringBuilder();
                for (byte x : str("hex.encode", a, 0).getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x));
                return b.toString();
            });
            def("urlquery.encode", 1, a -> java.net.URLEncoder.encode(str("urlquery.encode", a, 0), StandardCharsets.UTF_8));
            def("urlquery.decode", 1, a -> java.net.URLDecoder.decode(str("urlquery.decode", a, 0), StandardCharsets.UTF_8));
            def("urlquery.encode_object", 1, a -> {
                StringBuilder b = new StringBuilder();
                for (Map.Entry<Object, Object> e : obj("urlquery.encode_object", a, 0).entrySet()) {
                    List<Object> vals = e.getValue() instanceof String s ? List.of(s) : new ArrayList<>(coll("urlquery.encode_object", new Object[] {e.getValue()}, 0));
                    for (Object v : vals) {
                        if (b.length() > 0) b.append('&');
                        b.append(java.net.URLEncoder.encode((String) e.getKey(), StandardCharsets.UTF_8)).append('=')
                                .append(java.net.URLEncoder.encode((String) v, StandardCharsets.UTF_8));
                    }
                }
                return b.toString();
            });
            def("urlquery.decode_object", 1, a -> {
                TreeMap<Object, Object> r = Values.newObject();
                for (String part : str("urlquery.decode_object", a, 0).split("&")) {
                    if (part.isEmpty()) continue;
                    String[] kv = part.split("=", 2);
                    String k = java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                    String v = kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                    @SuppressWarnings("unchecked") List<Object> l = (List<Object>) r.computeIfAbsent(k, x -> new ArrayList<>());
                    l.add(v);
                }
                return r;
            });
        }
    }

    /** Go's json.MarshalIndent layout: each element on its own line, prefix then one indent per level. */
    static void indented(Object v, String prefix, String indent, int depth, StringBuilder out) {
        boolean isMap = v instanceof Map<?, ?>;
        Collection<?> items = v instanceof Map<?, ?> m ? m.entrySet() : v instanceof List<?> l ? l : v instanceof Set<?> s ? s : null;
        if (items == null) { out.append(Values.toJsonText(v)); return; }
        if (items.isEmpty()) { out.append(isMap ? "{}" : "[]"); return; }
        out.append(isMap ? '{' : '[');
        int i = 0;
        for (Object item : items) {
            if (i++ > 0) out.append(',');
            out.append('\n').append(prefix).append(indent.repeat(depth + 1));
            if (item instanceof Map.Entry<?, ?> e) {
                out.append(Values.toJsonText(e.getKey() instanceof String ? e.getKey() : Values.toJsonText(e.getKey()))).append(": ");
                indented(e.getValue(), prefix, indent, depth + 1, out);
            } else indented(item, prefix, indent, depth + 1, out);
        }
        out.append('\n').append(prefix).append(indent.repeat(depth)).append(isMap ? '}' : ']');
    }

    static String numberText(double d) { return Values.numberText(d); }

    private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    static BigDecimal big(double d) { return new BigDecimal(Double.toString(d)); }

    static com.google.re2j.Matcher matcher(String fn, String re, String s) {
        return Regex.pattern(fn, re).matcher(s);
    }
}
