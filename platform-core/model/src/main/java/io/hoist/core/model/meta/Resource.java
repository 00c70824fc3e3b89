package io.hoist.core.model.meta;

/** A Kubernetes object with {@code spec} and {@code status}. */
public abstract class Resource<S, T> extends KubeObject {
    public S spec;
    public T status;
}
