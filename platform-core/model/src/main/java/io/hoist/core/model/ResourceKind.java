package io.hoist.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every resource kind the platform stores, with its API group, version and plural as MTV and
 * Kubernetes name them. The API, the store and the CLI are generic over this table.
 */
public enum ResourceKind {
    PROVIDER("forklift.konveyor.io", "v1beta1", "Provider", "providers"),
    HOST("forklift.konveyor.io", "v1beta1", "Host", "hosts"),
    NETWORK_MAP("forklift.konveyor.io", "v1beta1", "NetworkMap", "networkmaps"),
    STORAGE_MAP("forklift.konveyor.io", "v1beta1", "StorageMap", "storagemaps"),
    PLAN("forklift.konveyor.io", "v1beta1", "Plan", "plans"),
    MIGRATION("forklift.konveyor.io", "v1beta1", "Migration", "migrations"),
    HOOK("forklift.konveyor.io", "v1beta1", "Hook", "hooks"),
    FORKLIFT_CONTROLLER("forklift.konveyor.io", "v1beta1", "ForkliftController", "forkliftcontrollers"),
    SECRET("", "v1", "Secret", "secrets"),
    CONFIG_MAP("", "v1", "ConfigMap", "configmaps"),
    /** Written by the platform only; the API serves it read-only (also as events.k8s.io/v1). */
    EVENT("", "v1", "Event", "events");

    private final String group;
    private final String version;
    private final String kind;
    private final String plural;

    ResourceKind(String group, String version, String kind, String plural) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
    }

    public String group() { return group; }

    public String version() { return version; }

    public String kind() { return kind; }

    public String plural() { return plural; }

    /** {@code forklift.konveyor.io/v1beta1} or {@code v1} for the core group. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** False for kinds only the platform writes (Events): the API refuses create, update, patch and delete. */
    public boolean userWritable() {
        return this != EVENT;
    }

    /** Lower-case singular, e.g. {@code networkmap}; the CLI accepts it, the plural and the Kind. */
    public String singular() {
        return kind.toLowerCase(Locale.ROOT);
    }

    public static Optional<ResourceKind> byKind(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
    }

    public static Optional<ResourceKind> byPlural(String plural) {
        return Arrays.stream(values()).filter(k -> k.plural.equals(plural)).findFirst();
    }

    /** Accepts Kind, plural or singular in any case, as kubectl does. */
    public static Optional<ResourceKind> byAnyName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.plural.equals(n) || k.singular().equals(n))
                .findFirst();
    }
}
