package io.hoist.core.cluster;

import io.hoist.core.store.postgresql.LeaderLease;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences this node's VM runs by what it can see: once it is cut off from the leader ({@link CutOffDetector}) it is told
 * to stop every run and take no new one, and once it sees the leader again it is told it may run VMs again. Polls
 * every second on a thread of its own (the lease is read from the store).
 *
 * <p>Timing, with the leader's side in {@link ClusterRunPlacement#REPLACE_AFTER}: a partition begins at t = 0; this
 * node drops the leader from its members at about 5–6 s (Hazelcast's heartbeat timeout), sees the condition at the
 * next poll (≤ 7 s) and acts once it held for more than the lease's length (≤ 18 s); stopping the runs takes a few
 * seconds. The leader places this node's runs elsewhere only 30 s after it saw this node go, which is no earlier than
 * t = 30 s.
 */
public final class ClusterFence implements AutoCloseable {
    static final Duration POLL_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFence.class);

    /** What this node does when it is cut off and when it sees the leader again. */
    public interface Runs {
        /** Stop every VM run of this node now and take no new ones. */
        void stop(String why);

        /** The leader is in sight again: take runs again. */
        void resume();
    }

    private final LeaderLease lease;
    private final Supplier<Set<String>> liveNodeNames;
    private final Runs runs;
    private final CutOffDetector detector;
    private final Thread loop;
    private volatile boolean running = true;
    private boolean cutOff;

    private ClusterFence(LeaderLease lease, Supplier<Set<String>> liveNodeNames, Runs runs, Duration holdFor) {
        this.lease = lease;
        this.liveNodeNames = liveNodeNames;
        this.runs = runs;
        this.detector = new CutOffDetector(lease.holder(), holdFor);
        this.loop = Thread.ofPlatform().daemon().name("hoist-cluster-fence").unstarted(this::run);
    }

    /**
     * Starts watching: {@code lease} read as this node ({@link LeaderLease#holder()} is this node's name),
     * {@code liveNodeNames} the names of the members this node sees, itself included.
     */
    public static ClusterFence start(LeaderLease lease, Supplier<Set<String>> liveNodeNames, Runs runs) {
        return start(lease, liveNodeNames, runs, LeaderElection.TTL);
    }

    static ClusterFence start(LeaderLease lease, Supplier<Set<String>> liveNodeNames, Runs runs, Duration holdFor) {
        ClusterFence f = new ClusterFence(lease, liveNodeNames, runs, holdFor);
        f.loop.start();
        return f;
    }

    /** Whether this node has stopped its runs because it is cut off from the leader. */
    public synchronized boolean cutOff() {
        return cutOff;
    }

    private void run() {
        while (running) {
            try {
                check();
            } catch (RuntimeException e) {
                // the store unreachable: nothing new is known; a leader that cannot reach it steps down by itself
                LOG.debug("cluster fence: {}", e.getMessage());
            }
            try {
                Thread.sleep(POLL_EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void check() {
        Set<String> live = liveNodeNames.get();
        String leader = detector.observe(System.nanoTime(), lease.current(), live);
        if (leader != null && !cutOff) {
            cutOff = true;
            String why = "node " + lease.holder() + " is cut off from the leader " + leader + " (it sees only " + live
                    + " while " + leader + " keeps the lease)";
            LOG.warn("{}: stopping its VM runs", why);
            runs.stop(why);
            LOG.warn("node {} stopped its VM runs", lease.holder());
        } else if (leader == null && cutOff) {
            // the condition no longer holds: the leader is in sight again, or its lease lapsed (no leader to run for)
            cutOff = false;
            LOG.warn("node {} is no longer cut off from the leader: it takes VM runs again", lease.holder());
            runs.resume();
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
