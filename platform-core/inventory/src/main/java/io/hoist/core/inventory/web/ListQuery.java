package io.hoist.core.inventory.web;

import io.vertx.core.MultiMap;

/**
 * The query parameters every inventory list understands, validated: {@code detail} (0, 1, ... or
 * {@code all}), {@code limit} and {@code offset} (paging) and {@code name} (exact-name filter).
 */
record ListQuery(int detail, int limit, int offset, String name) {
    /** {@code detail=all}: everything the plugin published. */
    static final int ALL = Integer.MAX_VALUE;

    static ListQuery parse(MultiMap params) {
        return new ListQuery(
                parseDetail(params.get("detail")),
                parseCount(params.get("limit"), "limit", Integer.MAX_VALUE),
                parseCount(params.get("offset"), "offset", 0),
                blankToNull(params.get("name")));
    }

    boolean full() {
        return detail > 0;
    }

    private static int parseDetail(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (value.equalsIgnoreCase("all")) {
            return ALL;
        }
        try {
            int level = Integer.parseInt(value);
            if (level >= 0) {
                return level;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the field name
        }
        throw new BadQueryException("detail: must be a level 0, 1, 2, ... or 'all', got '" + value + "'");
    }

    private static int parseCount(String value, String field, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the field name
        }
        throw new BadQueryException(field + ": must be a non-negative integer, got '" + value + "'");
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Bad query parameter: answered 400 with the message. */
    static final class BadQueryException extends RuntimeException {
        BadQueryException(String message) {
            super(message);
        }
    }
}
