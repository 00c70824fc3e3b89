package io.hoist.core.model.meta;

/** Any Kubernetes object: apiVersion, kind, metadata. */
public abstract class KubeObject extends Extensible {
    public String apiVersion;
    public String kind;
    public ObjectMeta metadata;

    /** {@code metadata.name}, or null when there is no metadata. */
    public String name() {
        return metadata == null ? null : metadata.name;
    }

    /** {@code metadata.namespace}, or null when there is no metadata. */
    public String namespace() {
        return metadata == null ? null : metadata.namespace;
    }
}
