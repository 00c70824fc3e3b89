package io.hoist.policy.builtins;

import io.hoist.policy.runtime.Values;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** json.filter and json.remove: paths as "a/b" strings or arrays of keys. */
final class Json {
    private Json() {}

    private static List<Object> path(Object p) {
        if (p instanceof String s) {
            List<Object> out = new ArrayList<>();
            String t = s.startsWith("/") ? s.substring(1) : s;
            if (t.isEmpty()) return out;
            for (String part : t.split("/", -1)) out.add(part.replace("~1", "/").replace("~0", "~"));
            return out;
        }
        if (p instanceof List<?> l) return new ArrayList<>(l);
        throw new BuiltinError("eval_type_error", "json: path must be a string or an array but got " + Values.typeName(p));
    }

    /** Keeps only the given paths. */
    static Object filter(Map<Object, Object> doc, Collection<Object> paths) {
        List<List<Object>> ps = new ArrayList<>();
        for (Object p : paths) ps.add(path(p));
        return filterValue(doc, ps);
    }

    @SuppressWarnings("unchecked")
    private static Object filterValue(Object v, List<List<Object>> paths) {
        for (List<Object> p : paths) if (p.isEmpty()) return v;
        if (v instanceof Map<?, ?> m) {
            TreeMap<Object, Object> out = Values.newObject();
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) {
                List<List<Object>> sub = new ArrayList<>();
                for (List<Object> p : paths) if (keyMatches(p.get(0), e.getKey())) sub.add(p.subList(1, p.size()));
                if (!sub.isEmpty()) out.put(e.getKey(), filterValue(e.getValue(), sub));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                List<List<Object>> sub = new ArrayList<>();
                for (List<Object> p : paths) if (keyMatches(p.get(0), (double) i)) sub.add(p.subList(1, p.size()));
                if (!sub.isEmpty()) out.add(filterValue(l.get(i), sub));
            }
            return out;
        }
        if (v instanceof java.util.Set<?> s) {
            java.util.Set<Object> out = Values.newSet();
            for (Object e : s) {
                List<List<Object>> sub = new ArrayList<>();
                for (List<Object> p : paths) if (keyMatches(p.get(0), e)) sub.add(p.subList(1, p.size()));
                if (!sub.isEmpty()) out.add(filterValue(e, sub));
            }
            return out;
        }
        return v;
    }

    private static boolean keyMatches(Object pathKey, Object key) {
        if (Values.equal(pathKey, key)) return true;
        if (pathKey instanceof String s && key instanceof Double d) return s.equals(Values.numberText(d));
        return false;
    }

    static Object remove(Map<Object, Object> doc, Collection<Object> paths) {
        Object v = doc;
        for (Object p : paths) v = removePath(v, path(p), 0);
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Object removePath(Object v, List<Object> p, int i) {
        if (i >= p.size()) return v;
        boolean last = i == p.size() - 1;
        if (v instanceof Map<?, ?> m) {
            TreeMap<Object, Object> out = Values.newObject();
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) {
                if (keyMatches(p.get(i), e.getKey())) {
                    if (!last) out.put(e.getKey(), removePath(e.getValue(), p, i + 1));
                } else out.put(e.getKey(), e.getValue());
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                if (keyMatches(p.get(i), (double) k)) {
                    if (!last) out.add(removePath(l.get(k), p, i + 1));
                } else out.add(l.get(k));
            }
            return out;
        }
        if (v instanceof java.util.Set<?> s) {
            java.util.Set<Object> out = Values.newSet();
            for (Object e : s) {
                if (keyMatches(p.get(i), e)) {
                    if (!last) out.add(removePath(e, p, i + 1));
                } else out.add(e);
            }
            return out;
        }
        return v;
    }
}
