package io.hoist.plugin.support;

/** Blank tests for Provider spec and Secret values, which arrive as null, empty or whitespace when unset. */
public final class ConfigValues {
    private ConfigValues() {}

    /** True for null, empty and whitespace-only values. */
    public static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The value trimmed, or null when it is blank. */
    public static String nullIfBlank(String s) {
        return blank(s) ? null : s.trim();
    }
}
