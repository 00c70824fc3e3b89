package io.hoist.core.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's one way to make threads. Blocking work (provider calls, VM runs, disk copies, status writes) runs on
 * virtual threads: thousands of VMs waiting on SOAP calls, leases or the store cost no platform thread each. Only
 * timers stay on a platform thread (a scheduler only hands work over).
 */
public final class Threads {
    private Threads() {}

    /** Daemon platform threads named {@code prefix-N}. */
    public static ThreadFactory platform(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Virtual threads named {@code prefix-N} (names show in thread dumps). */
    public static ThreadFactory virtual(String prefix) {
        return Thread.ofVirtual().name(prefix + "-", 1).factory();
    }

    /** One new virtual thread per task. */
    public static ExecutorService virtualPerTask(String prefix) {
        return Executors.newThreadPerTaskExecutor(virtual(prefix));
    }

    /** One virtual thread running tasks in order (the status writer: one writer, never two at once). */
    public static ExecutorService virtualSerial(String name) {
        return Executors.newSingleThreadExecutor(virtual(name));
    }

    /** One platform timer thread. */
    public static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(platform(name));
    }
}
