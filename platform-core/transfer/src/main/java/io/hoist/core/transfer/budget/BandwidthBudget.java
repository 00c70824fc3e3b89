package io.hoist.core.transfer.budget;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A named bandwidth limit in MiB/s that many copies draw from (e.g. one per plan and one per source host).
 * The rate can change while copies run; 0 means unlimited.
 *
 * <p>Fair between disks: each copy joins with a {@link Share}, a share queues at most one request at a time,
 * and queued requests are served in arrival order, so disks with equal request sizes get equal bandwidth
 * however many threads each runs. The bucket may go into debt by one request, so requests larger than the
 * burst still pass and the long-run rate stays exact.
 */
public final class BandwidthBudget {
    private static final long MIB = 1024 * 1024;
    /** Tokens saved up while idle are capped at this many seconds of rate. */
    private static final double BURST_SECONDS = 0.25;

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private double bytesPerSecond;
    private double tokens;
    private long lastRefillNanos = System.nanoTime();

    public BandwidthBudget(String name, double mibPerSecond) {
        this.name = name;
        setRate(mibPerSecond);
    }

    public String name() {
        return name;
    }

    public double mibPerSecond() {
        lock.lock();
        try {
            return bytesPerSecond / MIB;
        } finally {
            lock.unlock();
        }
    }

    /** Changes the limit; waiting requests see the new rate at once. */
    public void setRate(double mibPerSecond) {
        if (mibPerSecond < 0 || Double.isNaN(mibPerSecond)) {
            throw new IllegalArgumentException("bandwidth budget " + name + ": rate must be >= 0 MiB/s (0 = unlimited), got " + mibPerSecond);
        }
        lock.lock();
        try {
            refill(System.nanoTime());
            bytesPerSecond = mibPerSecond * MIB;
            tokens = Math.min(tokens, burst());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy's share of this budget; one per disk copy. */
    public Share join() {
        return new Share();
    }

    /** One disk's place in the budget. Thread-safe; its threads queue behind each other, not beside. */
    public final class Share {
        private final ReentrantLock turn = new ReentrantLock(true);

        private Share() {}

        /** Blocks until {@code bytes} may be transferred under the budget's current rate. */
        public void acquire(long bytes) throws InterruptedException {
            turn.lockInterruptibly();
            try {
                take(this, bytes);
            } finally {
                turn.unlock();
            }
        }

        public BandwidthBudget budget() {
            return BandwidthBudget.this;
        }
    }

    private void take(Object ticket, long bytes) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            queue.addLast(ticket);
            try {
                while (true) {
                    long now = System.nanoTime();
                    refill(now);
                    if (bytesPerSecond == 0) {
                        return;
                    }
                    if (queue.peekFirst() == ticket && tokens >= 0) {
                        tokens -= bytes;
                        return;
                    }
                    long waitNanos = queue.peekFirst() == ticket
                            ? (long) Math.ceil(-tokens / bytesPerSecond * 1e9)
                            : TimeUnit.MILLISECONDS.toNanos(50);
                    changed.awaitNanos(Math.max(waitNanos, 100_000));
                }
            } finally {
                queue.remove(ticket);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void refill(long now) {
        tokens = Math.min(burst(), tokens + (now - lastRefillNanos) / 1e9 * bytesPerSecond);
        lastRefillNanos = now;
    }

    private double burst() {
        return bytesPerSecond * BURST_SECONDS;
    }

    @Override
    public String toString() {
        return "budget " + name;
    }
}
