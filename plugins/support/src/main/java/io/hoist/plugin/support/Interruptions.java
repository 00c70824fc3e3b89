package io.hoist.plugin.support;

import io.hoist.api.HoistException;

/** A cancelled migration interrupts its thread: polling loops end at once, cleanup still runs to its end. */
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

    /**
     * Runs {@code cleanup} (closing a transfer, removing a snapshot) with the thread's interrupt flag cleared, so a
     * cancel does not cut its blocking calls short, and sets the flag again afterwards for the caller to see.
     */
    public static void runDespiteInterrupt(Runnable cleanup) {
        boolean interrupted = Thread.interrupted();
        try {
            cleanup.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
