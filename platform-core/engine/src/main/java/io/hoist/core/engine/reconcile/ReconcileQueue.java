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
 * big run is coalesced. A pass that asks to be looked at again, or fails, is requeued with exponential backoff:
 * {@code requeueAfter}, doubling with every such pass in a row up to {@code maxRequeueAfter}, ±20% jitter (so many
 * objects stuck on one unreachable vCenter do not retry in step); a pass that is done resets it. Changes to the object
 * still get a pass at once: the backoff delays only the queue's own requeue.
 */
public final class ReconcileQueue {
    private static final System.Logger LOG = System.getLogger(ReconcileQueue.class.getName());

    private final Predicate<Messages.Reconcile> reconciler;
    private final ScheduledExecutorService timer;
    private final Executor workers;
    private final long minIntervalMs;
    private final long requeueAfterMs;
    private final long maxRequeueAfterMs;
    private final Map<Messages.Reconcile, PassState> passes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private static final class PassState {
        boolean running;
        boolean again;
        long lastRun;
        /** Passes in a row that asked to be looked at again or failed. */
        int unsettled;
    }

    /** @param reconciler one pass; returns true when the object should be looked at again soon */
    public ReconcileQueue(Predicate<Messages.Reconcile> reconciler, ScheduledExecutorService timer, Executor workers,
                          Duration minInterval, Duration requeueAfter) {
        this(reconciler, timer, workers, minInterval, requeueAfter, requeueAfter.multipliedBy(12));
    }

    public ReconcileQueue(Predicate<Messages.Reconcile> reconciler, ScheduledExecutorService timer, Executor workers,
                          Duration minInterval, Duration requeueAfter, Duration maxRequeueAfter) {
        if (maxRequeueAfter.compareTo(requeueAfter) < 0) {
            throw new IllegalArgumentException("maxRequeueAfter " + maxRequeueAfter + " is shorter than requeueAfter " + requeueAfter);
        }
        this.maxRequeueAfterMs = maxRequeueAfter.toMillis();
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
            int unsettled;
            synchronized (s) {
                s.lastRun = System.currentTimeMillis();
                s.running = false;
                again = s.again;
                s.again = false;
                s.unsettled = requeueLater ? Math.min(s.unsettled + 1, 30) : 0;
                unsettled = s.unsettled;
            }
            if (again) {
                enqueue(r);
            } else if (requeueLater && !closed) {
                schedule(() -> enqueue(r), backoffMs(unsettled), null);
            }
        }
    }

    /** The requeue delay after {@code unsettled} unsettled passes in a row (1 = the first). */
    long backoffMs(int unsettled) {
        long base = Math.min(maxRequeueAfterMs, requeueAfterMs << Math.min(unsettled - 1, 20));
        double jitter = 0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble();
        return Math.max(1, Math.min(maxRequeueAfterMs, Math.round(base * jitter)));
    }

    public void close() {
        closed = true;
    }
}
