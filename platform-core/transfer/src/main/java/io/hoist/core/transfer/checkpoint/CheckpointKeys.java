package io.hoist.core.transfer.checkpoint;

import java.util.regex.Pattern;

/**
 * The one spelling of a checkpoint or baseline key as stored: the engine's keys ({@code migrationUid/vmId/disk[/round]})
 * contain '/', file names may not, and every store (files, PostgreSQL, a node's held runs matching keys to runs) has to
 * agree on the same form.
 */
public final class CheckpointKeys {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");

    private CheckpointKeys() {}

    /** {@code key} with every character outside {@code [A-Za-z0-9._-]} as {@code _}. */
    public static String safe(String key) {
        return UNSAFE.matcher(key).replaceAll("_");
    }
}
