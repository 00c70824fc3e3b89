package io.hoist.core.cluster;

import io.hoist.core.store.postgresql.LeaderLease;
import java.time.Duration;
import java.util.Set;

/**
 * Tells whether this node is cut off from the leader: the store says another node leads, yet that node is not among
 * the members this node's cluster manager sees. Pure logic over observations, so the timing is testable.
 *
 * <p>A leader that was killed also drops out of the member list (after Hazelcast's 5 s without heartbeat) while its
 * lease is still valid for at most the lease's length ({@link LeaderElection#TTL}), since nobody renews it. So the
 * condition must hold for longer than the lease's length before it counts: a lease still valid after that has been
 * renewed, by a leader alive on the other side of a partition.
 */
final class CutOffDetector {
    private final String self;
    private final Duration holdFor;
    /** When the condition was first seen in its current stretch; -1 while it does not hold. */
    private long sinceNanos = -1;

    CutOffDetector(String self, Duration holdFor) {
        this.self = self;
        this.holdFor = holdFor;
    }

    /** The leader, if the condition has held long enough to call this node cut off from it; null otherwise. */
    String observe(long nowNanos, LeaderLease.State lease, Set<String> liveNodeNames) {
        boolean foreignLeaderOutOfSight = lease.valid() && !lease.holder().isEmpty() && !lease.holder().equals(self)
                && !liveNodeNames.contains(lease.holder());
        if (!foreignLeaderOutOfSight) {
            sinceNanos = -1;
            return null;
        }
        if (sinceNanos < 0) {
            sinceNanos = nowNanos;
        }
        return nowNanos - sinceNanos > holdFor.toNanos() ? lease.holder() : null;
    }
}
