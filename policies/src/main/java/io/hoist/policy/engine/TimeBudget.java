package io.hoist.policy.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts evaluations that overrun their time budget. One daemon thread serves every instance: an evaluation
 * registers its deadline and the thread sleeps until the earliest one, so a stream of evaluations that finish in
 * time costs no thread wake-up each (a scheduled-executor task per evaluation woke the timer thread every time:
 * a futex wake and a park per validation, at tens of thousands of validations a second).
 */
final class TimeBudget {
    /** Longest sleep when nothing is due; also how far "never" is (nanoTime differences must not overflow). */
    private static final long FAR = 1L << 60;
    private static final Set<Alarm> RUNNING = ConcurrentHashMap.newKeySet();
    /** When the watchdog will next look (nanoTime); an alarm due earlier wakes it. */
    private static volatile long wakeAt = System.nanoTime() + FAR;
    private static final Thread WATCHDOG = Thread.ofPlatform().daemon().name("policy-time-budget").start(TimeBudget::watch);

    private TimeBudget() {}

    /** One evaluation's alarm: interrupts its thread at the deadline unless {@link #stop()}ped first. */
    static final class Alarm {
        private final Thread thread;
        private final long deadline;
        private boolean stopped; // guarded by this: an interrupt never lands after stop() returns

        private Alarm(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        void stop() {
            synchronized (this) {
                stopped = true;
            }
            RUNNING.remove(this);
        }

        private synchronized void fire() {
            if (!stopped) thread.interrupt();
            stopped = true;
        }
    }

    /** Starts the alarm for the calling thread's evaluation. */
    static Alarm start(long budgetNanos) {
        long now = System.nanoTime();
        Alarm a = new Alarm(Thread.currentThread(), now + Math.min(Math.max(budgetNanos, 0), FAR));
        RUNNING.add(a);
        if (a.deadline - wakeAt < 0) LockSupport.unpark(WATCHDOG);
        return a;
    }

    private static void watch() {
        while (true) {
            long now = System.nanoTime();
            // announce a far wake-up before scanning: an alarm added after the scan then sees a later wakeAt than
            // its deadline and unparks us (the permit makes that safe even before we park)
            wakeAt = now + FAR;
            long next = now + FAR;
            for (Alarm a : RUNNING) {
                if (a.deadline - now <= 0) {
                    a.fire();
                    RUNNING.remove(a);
                } else if (a.deadline - next < 0) {
                    next = a.deadline;
                }
            }
            wakeAt = next;
            LockSupport.parkNanos(next - now);
        }
    }
}
