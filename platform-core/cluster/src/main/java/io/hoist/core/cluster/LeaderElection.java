package io.hoist.core.cluster;

import io.hoist.core.store.postgresql.LeaderLease;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node of those sharing a store in charge of the controllers: takes the {@link LeaderLease} when it has
 * expired, renews it while leading, and tells {@link Leadership} when this node is elected or deposed.
 *
 * <p>Timing: the lease lasts {@link #TTL}; the leader renews it every {@link #RENEW_EVERY}; a follower tries to take it
 * every {@link #TRY_EVERY}. A leader killed without a word is replaced within TTL + TRY_EVERY (12 s). A leader that
 * cannot renew (the database unreachable, a long pause) steps down before its lease can have expired, and the store
 * refuses any write its controllers still make once another node's term has begun ({@code fencedBy}).
 *
 * <p>Callbacks run in order on a thread of their own, so a slow start of the controllers does not delay renewals.
 */
public final class LeaderElection implements AutoCloseable {
    public static final Duration TTL = Duration.ofSeconds(10);
    public static final Duration RENEW_EVERY = Duration.ofSeconds(3);
    public static final Duration TRY_EVERY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** What this node does when it gains or loses the lead. */
    public interface Leadership {
        /** This node leads for {@code term}: start the controllers, writing through a store fenced by the term. */
        void elected(long term) throws Exception;

        /** The term is over for this node (lost, given up, or the node stops): stop the controllers. */
        void deposed(long term);
    }

    private final LeaderLease lease;
    private final Leadership leadership;
    private final Duration ttl;
    private final Duration renewEvery;
    private final Duration tryEvery;
    private final ExecutorService callbacks;
    private final Thread loop;
    private volatile boolean running = true;
    /** The term this node leads, 0 when it follows. Written by the loop thread only. */
    private volatile long term;

    private LeaderElection(LeaderLease lease, Leadership leadership, Duration ttl, Duration renewEvery, Duration tryEvery) {
        if (renewEvery.multipliedBy(2).compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("the lease must last more than two renewal periods");
        }
        this.lease = lease;
        this.leadership = leadership;
        this.ttl = ttl;
        this.renewEvery = renewEvery;
        this.tryEvery = tryEvery;
        this.callbacks = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("hoist-leadership").factory());
        this.loop = Thread.ofPlatform().daemon().name("hoist-leader-election").unstarted(this::run);
    }

    /** Starts electing with the default timing. */
    public static LeaderElection start(LeaderLease lease, Leadership leadership) {
        return start(lease, leadership, TTL, RENEW_EVERY, TRY_EVERY);
    }

    public static LeaderElection start(LeaderLease lease, Leadership leadership, Duration ttl, Duration renewEvery,
                                       Duration tryEvery) {
        LeaderElection e = new LeaderElection(lease, leadership, ttl, renewEvery, tryEvery);
        e.loop.start();
        return e;
    }

    /** Whether this node leads now (as far as it knows: the store's fencing is what makes it safe). */
    public boolean isLeader() {
        return term > 0;
    }

    /** The term this node leads, or 0. */
    public long term() {
        return term;
    }

    public String nodeName() {
        return lease.holder();
    }

    private void run() {
        long lastRenewStart = 0;
        while (running) {
            long began = System.nanoTime();
            try {
                if (term == 0) {
                    OptionalLong won = lease.tryAcquire(ttl);
                    if (won.isPresent()) {
                        lastRenewStart = began;
                        term = won.getAsLong();
                        LOG.info("node {} leads (term {}): starting the controllers", lease.holder(), term);
                        long t = term;
                        callbacks.execute(() -> elected(t));
                    }
                } else if (lease.renew(term, ttl)) {
                    lastRenewStart = began;
                } else {
                    stepDown("another node holds the lease now");
                }
            } catch (RuntimeException e) {
                LOG.warn("leader lease: {}", e.getMessage());
            }
            // Not renewed for a lease's length minus one renewal: the lease may expire before the next attempt
            if (term > 0 && System.nanoTime() - lastRenewStart > ttl.minus(renewEvery).toNanos()) {
                stepDown("the lease could not be renewed for " + ttl.minus(renewEvery).toSeconds() + " s");
            }
            sleep(term > 0 ? renewEvery : tryEvery);
        }
    }

    private void elected(long t) {
        try {
            if (term == t) {
                leadership.elected(t);
            }
        } catch (Exception e) {
            LOG.error("the controllers failed to start for term {}: {}; giving the lease up", t, e.toString());
            term = 0; // the loop stops renewing and, once the lease is free, competes again
            try {
                leadership.deposed(t);
            } finally {
                lease.release(t);
            }
        }
    }

    private void stepDown(String why) {
        long t = term;
        term = 0;
        LOG.warn("node {} no longer leads (term {}): {}; stopping the controllers", lease.holder(), t, why);
        callbacks.execute(() -> leadership.deposed(t));
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops electing; a leader stops its controllers and releases the lease so another node takes over at once. */
    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long t = term;
        term = 0;
        if (t > 0) {
            callbacks.execute(() -> leadership.deposed(t));
        }
        callbacks.shutdown();
        try {
            callbacks.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t > 0) {
            try {
                lease.release(t);
            } catch (RuntimeException e) {
                LOG.warn("could not release the leader lease: {}", e.getMessage());
            }
        }
    }
}
