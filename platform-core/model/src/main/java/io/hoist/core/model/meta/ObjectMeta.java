package io.hoist.core.model.meta;

import java.util.List;
import java.util.Map;

/** Kubernetes {@code metadata}; timestamps stay strings so they round-trip byte for byte. */
public class ObjectMeta extends Extensible {
    public String name;
    public String generateName;
    public String namespace;
    public String uid;
    public String resourceVersion;
    public Long generation;
    public String creationTimestamp;
    public String deletionTimestamp;
    public Map<String, String> labels;
    public Map<String, String> annotations;
    public List<OwnerReference> ownerReferences;
    public List<String> finalizers;

    public static class OwnerReference extends Extensible {
        public String apiVersion;
        public String kind;
        public String name;
        public String uid;
        public Boolean controller;
        public Boolean blockOwnerDeletion;
    }
}
