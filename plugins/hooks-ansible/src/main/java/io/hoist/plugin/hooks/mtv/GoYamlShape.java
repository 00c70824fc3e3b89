package io.hoist.plugin.hooks.mtv;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How MTV's controller writes a Go struct into a hook's YAML files: with {@code gopkg.in/yaml.v2}, which
 * ignores {@code json} tags. Every key is the Go field name in lower case ({@code IpAddress} becomes
 * {@code ipaddress}) and an embedded struct is not inlined but nested under its type name in lower case
 * ({@code VM1} becomes {@code vm1}). Playbooks written for MTV therefore say {@code vm.ipaddress} or
 * {@code vm.vm1.vm0.id}. A shape describes one struct's layering so a flat JSON document in MTV's field names
 * can be re-nested the same way.
 *
 * @param embedded the embedded structs, in declaration order, each under its YAML key
 * @param fields   the struct's own fields (JSON names); a field may have a shape of its own
 * @param rest     this level also takes every key of the document that no level of the shape declares
 *                 (MTV's full-detail {@code VM} level, whose many fields need no listing)
 */
public record GoYamlShape(List<Embed> embedded, List<Field> fields, boolean rest) {
    public record Embed(String key, GoYamlShape shape) {}

    /** A field; {@code shape} when its value is itself a described struct, else it is lower-cased as is. */
    public record Field(String json, GoYamlShape shape) {}

    /** A struct with these embedded structs and plain fields. */
    public static GoYamlShape of(List<Embed> embedded, String... fields) {
        List<Field> out = new ArrayList<>();
        for (String f : fields) {
            out.add(new Field(f, null));
        }
        return new GoYamlShape(List.copyOf(embedded), out, false);
    }

    /** The same struct, also taking every undeclared key of the document. */
    public GoYamlShape takingTheRest() {
        return new GoYamlShape(embedded, fields, true);
    }

    /** The same struct with one more field whose value is a described struct. */
    public GoYamlShape withField(String json, GoYamlShape shape) {
        List<Field> out = new ArrayList<>(fields);
        out.add(new Field(json, shape));
        return new GoYamlShape(embedded, out, rest);
    }

    /**
     * The document re-nested. Every level gets the fields it declares that the document has (a field declared at
     * two levels, shadowed in JSON, gets the one JSON value at both); levels marked {@code rest} also get the
     * undeclared keys, lower-cased, so nothing of the document is lost.
     */
    public Map<String, Object> render(Map<String, Object> json) {
        Set<String> declared = new HashSet<>();
        collect(declared);
        return render(json, declared);
    }

    private Map<String, Object> render(Map<String, Object> json, Set<String> declared) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Embed e : embedded) {
            out.put(e.key(), e.shape().render(json, declared));
        }
        for (Field f : fields) {
            if (!json.containsKey(f.json())) {
                continue;
            }
            Object v = json.get(f.json());
            out.put(lower(f.json()), f.shape() != null && v instanceof Map<?, ?> m ? f.shape().render(cast(m)) : lowerKeys(v));
        }
        if (rest) {
            json.forEach((k, v) -> {
                if (!declared.contains(k)) {
                    out.putIfAbsent(lower(k), lowerKeys(v));
                }
            });
        }
        return out;
    }

    private void collect(Set<String> into) {
        fields.forEach(f -> into.add(f.json()));
        embedded.forEach(e -> e.shape().collect(into));
    }

    /** Plain values with every map key lower-cased, recursively (yaml.v2 on structs that embed nothing). */
    public static Object lowerKeys(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(lower(String.valueOf(k)), lowerKeys(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(lowerKeys(x)));
            return out;
        }
        return v;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
