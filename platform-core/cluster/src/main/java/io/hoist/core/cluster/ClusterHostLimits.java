package io.hoist.core.cluster;

import io.hoist.core.engine.Engine;
import io.hoist.core.engine.run.DiskCopyService;
import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.engine.scheduler.VmAdmission;
import io.hoist.core.transfer.budget.BandwidthBudgets;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in the per-source-host limits that hold cluster-wide: the disk slots of its engine's copies and VM
 * starts ({@link ClusterHostSlots}, ledgers {@value #COPIES} and {@value #VMS}) and the hosts' bandwidth budgets
 * ({@link ClusterHostBandwidth}), all counted in one {@link HostLeases} map. A change of a count is published on
 * {@value #CHANGED} so every node looks again (a waiting request, a bandwidth share); a node that leaves the cluster
 * has its counts dropped by every other node once it has been gone for {@link ClusterRunPlacement#REPLACE_AFTER} (a
 * cut-off node may copy until its fence stops it, as its runs are placed elsewhere only then), so its slots come back
 * and the others' shares grow. Each node also looks again every second at what was refused (a missed message costs at most
 * that).
 */
public final class ClusterHostLimits implements AutoCloseable {
    static final String CHANGED = "hoist.cluster.host-leases.changed";
    static final String COPIES = "copies";
    static final String VMS = "vms";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHostLimits.class);

    private final Vertx vertx;
    private final HazelcastClusterManager manager;
    private final HostLeases leases;
    private final String self;
    private final ClusterHostSlots copies;
    private final ClusterHostSlots vms;
    private final List<Runnable> copiesWatchers = new CopyOnWriteArrayList<>();
    private final List<Runnable> vmsWatchers = new CopyOnWriteArrayList<>();
    private final List<ClusterHostBandwidth> bandwidths = new CopyOnWriteArrayList<>();
    private final MessageConsumer<String> changes;
    /** Nodes that left, whose counts are dropped once gone for the wait (and kept until the drop succeeded). */
    private final DepartedNodes departed;
    /** Vert.x's node ids in the cluster at the last look (polled: the cluster manager keeps one node listener, Vert.x's). */
    private volatile Set<String> lastNodes;
    private final long timer;

    public ClusterHostLimits(Vertx vertx) {
        this(vertx, ClusterRunPlacement.REPLACE_AFTER);
    }

    /** With another wait before a departed node's counts are dropped (tests). */
    ClusterHostLimits(Vertx vertx, java.time.Duration releaseAfter) {
        this.vertx = vertx;
        this.departed = new DepartedNodes(releaseAfter);
        if (!(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
            throw new IllegalArgumentException("per-host limits across nodes need a Vert.x clustered with Hazelcast");
        }
        this.manager = manager;
        this.self = manager.getNodeId();
        this.leases = new HostLeases(manager.getHazelcastInstance());
        this.copies = new ClusterHostSlots(leases, COPIES, self, this::publish);
        this.vms = new ClusterHostSlots(leases, VMS, self, this::publish);
        this.changes = vertx.eventBus().consumer(CHANGED, m -> Thread.ofVirtual().start(() -> lookAgain(m.body())));
        this.lastNodes = Set.copyOf(manager.getNodes());
        this.timer = vertx.setPeriodic(1000, id -> Thread.ofVirtual().start(this::lookAgainAll));
        Thread.ofVirtual().start(this::dropNodesNotInCluster);
    }

    /**
     * Counts {@code engine}'s disk slots per source host (its disk copies, {@code TransferScheduler}, and the VMs it
     * starts, {@code VmAdmission}) across the cluster. Before the engine starts.
     */
    public void shareSlots(Engine engine) {
        shareSlots(engine.scheduler(), engine.admission(), engine.settings()::platformDisksInflightTotal);
    }

    /**
     * As above, for an engine's two ledgers; {@code platformLimit} is {@code controller_max_disks_inflight_total} (0
     * for none), counted across the cluster.
     */
    void shareSlots(TransferScheduler diskCopies, VmAdmission vmStarts, IntSupplier platformLimit) {
        diskCopies.share(copies, platformLimit);
        vmStarts.share(vms, platformLimit);
        copiesWatchers.add(diskCopies::poke);
        vmsWatchers.add(vmStarts::poke);
    }

    /**
     * {@code copier} with each source host's bandwidth budget shared among the nodes copying from the host;
     * {@code budgets} are the ones {@code copier}'s copies draw from (re-rated as shares change).
     */
    public DiskCopyService shareBandwidth(DiskCopyService copier, BandwidthBudgets budgets) {
        ClusterHostBandwidth shared = new ClusterHostBandwidth(copier, budgets, leases, self, this::publish);
        bandwidths.add(shared);
        return shared;
    }

    /** The cluster's counts (tests). */
    HostLeases leases() {
        return leases;
    }

    private void publish(String key) {
        vertx.eventBus().publish(CHANGED, key);
    }

    /** A count changed under {@code key} (on any node): whatever here depends on it looks again. */
    private void lookAgain(String key) {
        if (copies.owns(key)) {
            copiesWatchers.forEach(Runnable::run);
        } else if (vms.owns(key)) {
            vmsWatchers.forEach(Runnable::run);
        } else {
            bandwidths.stream().filter(b -> b.owns(key)).forEach(b -> b.reRate(key));
        }
    }

    /** The periodic look: requests refused since the last, and every bandwidth share. */
    private void lookAgainAll() {
        Set<String> now = Set.copyOf(manager.getNodes());
        for (String node : departed.update(lastNodes, now)) {
            LOG.info("node {} left the cluster: its slots and copies are given back in {} s", node,
                    departed.waitTime().toSeconds());
        }
        lastNodes = now;
        departed.waitOver().forEach(this::nodeLeft);
        if (copies.refused()) {
            copiesWatchers.forEach(Runnable::run);
        }
        if (vms.refused()) {
            vmsWatchers.forEach(Runnable::run);
        }
        bandwidths.forEach(ClusterHostBandwidth::reRateAll);
    }

    private void nodeLeft(String node) {
        try {
            Set<String> freed = leases.dropNode(node);
            if (!freed.isEmpty()) {
                LOG.info("node {} left the cluster holding slots or copies of {}: given back", node, freed);
            }
            freed.forEach(this::lookAgain);
            departed.settled(node);
        } catch (RuntimeException e) {
            // still in departed: the periodic look tries again
            LOG.warn("the counts of node {}, which left the cluster, are not dropped yet: {}", node, e.toString());
        }
    }

    /**
     * Nodes gone before this one started watching (a restart of this node while another died) hold nothing once the
     * wait has passed, counted from now (when they left is not known here).
     */
    private void dropNodesNotInCluster() {
        try {
            Set<String> members = Set.copyOf(manager.getNodes());
            leases.holders().stream().filter(n -> !members.contains(n)).forEach(departed::withinWait);
        } catch (RuntimeException e) {
            LOG.warn("counts of nodes gone before this one started are not looked at: {}", e.toString());
        }
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        changes.unregister();
    }
}
