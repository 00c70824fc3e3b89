package io.hoist.core.model.meta;

/** The source and destination providers of a map ({@code spec.provider} of NetworkMap/StorageMap). */
public class ProviderPair extends Extensible {
    public ObjectReference source;
    public ObjectReference destination;
}
