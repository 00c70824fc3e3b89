package io.hoist.core.inventory;

import java.util.Objects;

/**
 * The identity of a Provider whose inventory is held: what the inventory routes need to list and
 * address it ({@code /providers/{type}/{uid}}).
 */
public record ProviderRef(String uid, String namespace, String name, String type) {
    public ProviderRef {
        requireText(uid, "uid");
        requireText(namespace, "namespace");
        requireText(name, "name");
        requireText(type, "type");
    }

    private static void requireText(String value, String field) {
        if (Objects.requireNonNull(value, field + " is required").isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
