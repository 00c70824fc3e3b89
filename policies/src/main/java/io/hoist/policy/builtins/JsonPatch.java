package io.hoist.policy.builtins;

import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * json.patch: RFC 6902 operations (add, remove, replace, move, copy, test) on any Rego value, sets included
 * (a set's member is addressed by itself). As in OPA, a patch that cannot apply (missing target, failed test,
 * bad index, unknown op) makes the call undefined rather than an error.
 */
final class JsonPatch {
    private static final Object MISSING = new Object();

    private JsonPatch() {}

    /** The patched document, or null (undefined) when an operation cannot apply. */
    static Object apply(Object doc, List<Object> patch) {
        Object cur = doc;
        for (Object p : patch) {
            if (!(p instanceof Map<?, ?> op)) throw BuiltinError.type("json.patch", 2, "array of objects", patch);
            cur = applyOne(cur, op);
            if (cur == MISSING) return null;
        }
        return cur;
    }

    private static Object applyOne(Object doc, Map<?, ?> op) {
        if (!(op.get("op") instanceof String name) || op.get("path") == null) return MISSING;
        List<Object> path = path(op.get("path"));
        if (path == null) return MISSING;
        Object value = op.get("value");
        return switch (name) {
            case "add" -> value == null ? MISSING : add(doc, path, value);
            case "remove" -> remove(doc, path);
            case "replace" -> value == null ? MISSING : path.isEmpty() ? value
                    : remove(doc, path) == MISSING ? MISSING : add(remove(doc, path), path, value);
            case "test" -> value != null && get(doc, path) != MISSING && Values.equal(get(doc, path), value) ? doc : MISSING;
            case "move", "copy" -> {
                List<Object> from = op.get("from") == null ? null : path(op.get("from"));
                if (from == null) yield MISSING;
                Object v = get(doc, from);
                if (v == MISSING) yield MISSING;
                if (name.equals("move") && from.equals(path)) yield doc;
                Object base = name.equals("move") ? remove(doc, from) : doc;
                yield base == MISSING ? MISSING : add(base, path, v);
            }
            default -> MISSING;
        };
    }

    /** A JSON pointer ("/a/b", the leading slash optional as OPA allows) or an array of keys. */
    private static List<Object> path(Object p) {
        if (p instanceof List<?> l) return new ArrayList<>(l);
        if (!(p instanceof String s)) return null;
        List<Object> out = new ArrayList<>();
        if (s.isEmpty()) return out;
        String t = s.startsWith("/") ? s.substring(1) : s;
        for (String part : t.split("/", -1)) out.add(part.replace("~1", "/").replace("~0", "~"));
        return out;
    }

    private static Object get(Object doc, List<Object> path) {
        Object cur = doc;
        for (Object k : path) {
            cur = child(cur, k);
            if (cur == MISSING) return MISSING;
        }
        return cur;
    }

    private static Object child(Object v, Object k) {
        if (v instanceof Map<?, ?> m) return m.containsKey(k) ? m.get(k) : MISSING;
        if (v instanceof List<?> l) { int i = index(k, l.size(), false); return i < 0 ? MISSING : l.get(i); }
        if (v instanceof Set<?> s) return s.contains(k) ? k : MISSING;
        return MISSING;
    }

    /** An array index: a number or a decimal string without leading zeros ("-" for append when allowed). */
    private static int index(Object k, int size, boolean append) {
        long i;
        if (k instanceof Double d && d == Math.rint(d)) i = d.longValue();
        else if (k instanceof String s && s.equals("-") && append) return size;
        else if (k instanceof String s && !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit) && (s.length() == 1 || s.charAt(0) != '0')) i = Long.parseLong(s);
        else return -1;
        return i >= 0 && i < size + (append ? 1 : 0) ? (int) i : -1;
    }

    @SuppressWarnings("unchecked")
    private static Object add(Object doc, List<Object> path, Object value) {
        if (path.isEmpty()) return value;
        Object k = path.get(0);
        if (path.size() > 1) {
            Object c = child(doc, k);
            if (c == MISSING) return MISSING;
            Object nc = add(c, path.subList(1, path.size()), value);
            return nc == MISSING ? MISSING : replaceChild(doc, k, nc);
        }
        if (doc instanceof Map<?, ?>) return replaceChild(doc, k, value);
        if (doc instanceof List<?> l) {
            int i = index(k, l.size(), true);
            if (i < 0) return MISSING;
            List<Object> out = new ArrayList<>(l);
            out.add(i, value);
            return out;
        }
        if (doc instanceof Set<?> s) {
            if (!Values.equal(k, value)) return MISSING;
            TreeSet<Object> out = copy(s);
            out.add(value);
            return out;
        }
        return MISSING;
    }

    @SuppressWarnings("unchecked")
    private static Object remove(Object doc, List<Object> path) {
        if (path.isEmpty()) return MISSING;
        Object k = path.get(0);
        Object c = child(doc, k);
        if (c == MISSING) return MISSING;
        if (path.size() > 1) {
            Object nc = remove(c, path.subList(1, path.size()));
            return nc == MISSING ? MISSING : replaceChild(doc, k, nc);
        }
        if (doc instanceof Map<?, ?> m) {
            TreeMap<Object, Object> out = copy(m);
            out.remove(k);
            return out;
        }
        if (doc instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l);
            out.remove(index(k, l.size(), false));
            return out;
        }
        TreeSet<Object> out = copy((Set<?>) doc);
        out.remove(k);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object replaceChild(Object doc, Object k, Object v) {
        if (doc instanceof Map<?, ?> m) {
            TreeMap<Object, Object> out = copy(m);
            out.put(k, v);
            return out;
        }
        if (doc instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l);
            out.set(index(k, l.size(), false), v);
            return out;
        }
        TreeSet<Object> out = copy((Set<?>) doc);
        out.remove(k);
        out.add(v);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static TreeMap<Object, Object> copy(Map<?, ?> m) {
        TreeMap<Object, Object> out = Values.newObject();
        out.putAll((Map<Object, Object>) m);
        return out;
    }

    private static TreeSet<Object> copy(Set<?> s) {
        TreeSet<Object> out = Values.newSet();
        out.addAll(s);
        return out;
    }
}
