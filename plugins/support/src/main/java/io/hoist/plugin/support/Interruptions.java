package io.hoist.plugin.support;

import io.hoist.api.HoistException;

/** Waits in provider polling loops that a cancelled migration (an interrupt) ends at once. */
public final class Interruptions {
    private Interruptions() {}

    /**
     * Sleeps; an interrupt keeps the thread's flag set (cleanup code further up checks it) and ends the
     * caller's loop with an UNAVAILABLE "Interrupted".
     */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoistException(HoistException.Type.UNAVAILABLE, "Interrupted", "interrupted");
        }
    }
}
