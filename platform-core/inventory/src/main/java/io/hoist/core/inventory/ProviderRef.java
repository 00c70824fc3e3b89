package io.hoist.core.inventory;

import java.util.Objects;

/**
 * The identity of a Provider whose inventory is held: what the inventory routes need to list and
 * address it ({@code /providers/{type}/{uid}}). uid and type are required; namespace and name are for
 * display and the {@code name} filter, and may be empty when the caller does not have them.
 */
public record ProviderRef(String uid, String namespace, String name, String type) {
    public ProviderRef {
        requireText(uid, "uid");
        requireText(type, "type");
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }

    private static void requireText(String value, String field) {
        if (Objects.requireNonNull(value, field + " is required").isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
