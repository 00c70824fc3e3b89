package io.hoist.core.model.meta;

/** core/v1 ObjectReference, as MTV uses it for {@code secret}, {@code provider} and {@code plan}. */
public class ObjectReference extends Extensible {
    public String apiVersion;
    public String fieldPath;
    public String kind;
    public String name;
    public String namespace;
    public String resourceVersion;
    public String uid;

    public static ObjectReference of(String namespace, String name) {
        ObjectReference r = new ObjectReference();
        r.namespace = namespace;
        r.name = name;
        return r;
    }
}
