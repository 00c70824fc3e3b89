package io.hoist.core.model.meta;

/**
 * A reference to an object in the source provider's inventory (MTV's {@code ref.Ref}): a VM, network,
 * datastore or storage domain, by {@code id} or by {@code name}.
 */
public class SourceRef extends Extensible {
    public String id;
    public String name;
    public String namespace;
    public String type;

    public static SourceRef byId(String id) {
        SourceRef r = new SourceRef();
        r.id = id;
        return r;
    }

    public static SourceRef byName(String name) {
        SourceRef r = new SourceRef();
        r.name = name;
        return r;
    }
}
