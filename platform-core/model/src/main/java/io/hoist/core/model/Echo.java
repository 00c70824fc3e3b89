package io.hoist.core.model;

/**
 * How messages show a value a user wrote (a rendered name, a field value): at most {@link #MAX_SHOWN}
 * characters, then how many more there were. A message that echoes a 30 MB value must not become a 30 MB
 * condition, log line or response.
 */
public final class Echo {
    /** Characters of a value shown in a message. */
    public static final int MAX_SHOWN = 64;

    private Echo() {
    }

    /** {@code value} itself when short, else its first {@link #MAX_SHOWN} characters and "... (N more characters)". */
    public static String abbreviate(String value) {
        return abbreviate(value, MAX_SHOWN);
    }

    public static String abbreviate(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int cut = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, cut) + "... (" + (value.length() - cut) + " more characters)";
    }
}
