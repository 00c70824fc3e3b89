package io.hoist.core.model.meta;

/** A name and namespace pair (MTV's {@code ref} to a map, hook, provider or NAD). */
public class Ref extends Extensible {
    public String name;
    public String namespace;

    public static Ref of(String namespace, String name) {
        Ref r = new Ref();
        r.namespace = namespace;
        r.name = name;
        return r;
    }
}
