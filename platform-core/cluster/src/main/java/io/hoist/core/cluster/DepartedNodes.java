package io.hoist.core.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When this node first saw each other node missing from the cluster, and whether {@code wait} has passed since: what
 * a departed node held (its runs, its host slots) is given to others only then, since a node that is cut off rather
 * than dead goes on until its fence stops it ({@link ClusterFence}). A node first seen missing by a look at what it
 * holds (before the membership poll noticed, or gone before this node started) counts from that look: later, never
 * earlier, than it left.
 */
final class DepartedNodes {
    /** Long after any wait: a node id (new per process start) this old is dropped from memory. */
    private static final long FORGET_AFTER_NANOS = TimeUnit.HOURS.toNanos(1);
    private final long waitNanos;
    private final LongSupplier clock;
    private final Map<String, Long> goneSince = new ConcurrentHashMap<>();

    DepartedNodes(Duration wait) {
        this(wait, System::nanoTime);
    }

    DepartedNodes(Duration wait, LongSupplier clock) {
        this.waitNanos = wait.toNanos();
        this.clock = clock;
    }

    Duration waitTime() {
        return Duration.ofNanos(waitNanos);
    }

    /**
     * Updates from the members seen now: ids in {@code before} and not in {@code members} are gone from now on (the
     * first sighting kept, whether by this poll or an earlier look), ids back among the members are no longer gone.
     * The ids in {@code before} that are gone now.
     */
    Set<String> update(Collection<String> before, Collection<String> members) {
        Set<String> newlyGone = new java.util.HashSet<>();
        long now = clock.getAsLong();
        for (String id : before) {
            if (!members.contains(id)) {
                goneSince.putIfAbsent(id, now);
                newlyGone.add(id);
            }
        }
        goneSince.keySet().removeAll(members);
        goneSince.values().removeIf(at -> now - at > FORGET_AFTER_NANOS);
        return newlyGone;
    }

    /** {@code id}, not a member now, may still be going on: within the wait since first seen gone (now, if not yet). */
    boolean withinWait(String id) {
        long now = clock.getAsLong();
        return now - goneSince.computeIfAbsent(id, n -> now) < waitNanos;
    }

    /** Whether {@code id} is known to be gone. */
    boolean known(String id) {
        return goneSince.containsKey(id);
    }

    /** The ids gone for the whole wait. */
    Set<String> waitOver() {
        long now = clock.getAsLong();
        Set<String> out = new java.util.HashSet<>();
        goneSince.forEach((id, at) -> {
            if (now - at >= waitNanos) {
                out.add(id);
            }
        });
        return out;
    }

    /** Stops tracking {@code id} (what it held was handed back). */
    void settled(String id) {
        goneSince.remove(id);
    }
}
