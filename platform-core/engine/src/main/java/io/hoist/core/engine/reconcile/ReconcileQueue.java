package io.hoist.core.engine.reconcile;

import io.hoist.core.engine.bus.Messages;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The engine's work queue (controller-runtime's rule): at most one pass per object at a time; requests during a pass
 * schedule exactly one more; passes over one object are at least {@code minInterval} apart so status churn during a
 * big run is coalesced; a pass that asks to be looked at again is requeued after {@code requeueAfter}.
 */
public final class ReconcileQueue {
    private static final System.Logger LOG = System.getLogger(ReconcileQueue.class.getName());

    private final Predicate<Messages.Reconcile> reconciler;
    private final ScheduledExecutorService timer;
    private final Executor workers;
    private final long minIntervalMs;
    private final long requeueAfterMs;
    private final Map<Messages.Reconcile, PassState> passes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private static final class PassState {
        boolean running;
        boolean again;
        long lastRun;
    }

    /** @param reconciler one pass; returns true when the object should be looked at again soon */
    public ReconcileQueue(Predicate<Messages.Reconcile> reconciler, ScheduledExecutorService timer, Executor workers,
                          Duration minInterval, Duration requeueAfter) {
        this.reconciler = reconciler;
        this.timer = timer;
        this.workers = workers;
        this.minIntervalMs = minInterval.toMillis();
        this.requeueAfterMs = requeueAfter.toMillis();
    }

    public void enqueue(Messages.Reconcile r) {
        if (closed) {
            return;
        }
        PassState s = passes.computeIfAbsent(r, k -> new PassState());
        long wait;
        synchronized (s) {
            if (s.running) {
                s.again = true;
                return;
            }
            s.running = true;
            wait = Math.max(0, s.lastRun + minIntervalMs - System.currentTimeMillis());
        }
        schedule(() -> workers.execute(() -> pass(r, s)), wait, s);
    }

    /** The object is gone: forget its pass state. */
    public void forget(Messages.Reconcile r) {
        passes.remove(r);
    }

    private void schedule(Runnable task, long delayMs, PassState s) {
        try {
            timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            if (s != null) {
                synchronized (s) {
                    s.running = false;
                }
            }
        }
    }

    private void pass(Messages.Reconcile r, PassState s) {
        boolean requeueLater = false;
        try {
            requeueLater = reconciler.test(r);
        } catch (Throwable t) {
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "reconcile of " + r + " failed: " + t, t);
                requeueLater = true;
            }
        } finally {
            boolean again;
            synchronized (s) {
                s.lastRun = System.currentTimeMillis();
                s.running = false;
                again = s.again;
                s.again = false;
            }
            if (again) {
                enqueue(r);
            } else if (requeueLater && !closed) {
                schedule(() -> enqueue(r), requeueAfterMs, null);
            }
        }
    }

    public void close() {
        closed = true;
    }
}
