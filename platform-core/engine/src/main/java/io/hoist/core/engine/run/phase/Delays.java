package io.hoist.core.engine.run.phase;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Futures that complete after a delay, on the engine's timer; what a waiting phase returns instead of sleeping. */
public final class Delays {
    private final ScheduledExecutorService timer;

    public Delays(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public CompletableFuture<Void> after(Duration d) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            timer.schedule(() -> f.complete(null), Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the engine is stopping: the run is left where it is and resumes on the next start
        }
        return f;
    }
}
