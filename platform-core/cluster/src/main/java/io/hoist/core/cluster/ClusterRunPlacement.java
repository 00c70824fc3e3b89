package io.hoist.core.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Addresses;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.run.RunPlacement;
import io.hoist.core.engine.runtime.ProviderRuntime;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.ResourceStore;
import io.hoist.core.store.postgresql.HeldRuns;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.core.store.postgresql.RunEpochs;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VM runs placed on the nodes of a cluster. Which node runs which VM is a cluster-wide map (Hazelcast, with a backup
 * on another member): the leader records the node before it sends the run to that node's address, the node records
 * it again when it starts the run and removes it when the run ends. A run whose node has left the cluster (killed,
 * cut off) counts as running there for {@link #REPLACE_AFTER} more, the time a cut-off node takes to stop its runs
 * ({@link ClusterFence}); then the leader's next pass sends it to another node, where it resumes from the store. A node
 * that stopped cleanly ended its runs before it left, so they are placed again at once.
 *
 * <p>A provider pins its VMs to nodes with labels: {@code metadata.annotations["hoist.io/node-selector"]: "zone=a,..."};
 * a Host resource (forklift's {@code Host}, {@code spec.id} the host in the provider's inventory) with the same
 * annotation pins the VMs on that host, in place of its provider's selector (a worker next to its ESXi hosts).
 *
 * <p>Each dispatch also takes the run's next placement epoch in the store ({@link RunEpochs}) and sends it with the run;
 * the node holds it ({@link #heldRuns()}) while the run goes on, and its VM-entry writes, checkpoint saves and target
 * VM creation for the run are refused once the run was placed again: a node cut off (or paused) past
 * {@link #REPLACE_AFTER} but still reaching PostgreSQL cannot write for a run that lives on elsewhere.
 */
public final class ClusterRunPlacement implements RunPlacement, AutoCloseable {
    /** The source Provider's (or Host's) annotation naming the labels a node needs to run its VMs. */
    public static final String NODE_SELECTOR = NodeSelector.ANNOTATION;
    static final String RUNS_MAP = "hoist.vm-runs";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRunPlacement.class);
    private static final long DISPATCH_ACK_MS = TimeUnit.SECONDS.toMillis(30);
    /**
     * How long a departed node's runs still count as running: longer than a cut-off node takes to notice and stop
     * them (at most about 18 s plus the stop, see {@link ClusterFence}), so no VM runs on two nodes at once.
     */
    public static final java.time.Duration REPLACE_AFTER = java.time.Duration.ofSeconds(30);

    private final Vertx vertx;
    private final ClusterManager cluster;
    private final ResourceStore store;
    private final String self;
    private final NodeProfile profile;
    /** Run key ({@code migrationUid/vmId}) to the Vert.x node id running it. */
    private final Map<String, String> runs;
    /** Node profiles never change while a node lives: looked up once per node id. */
    private final Map<String, NodeProfile> profiles = new ConcurrentHashMap<>();
    private final List<Runnable> nodeLostActions = new CopyOnWriteArrayList<>();
    private final long watchTimer;
    private volatile Set<String> lastNodes;
    /** When this node saw each other node leave: its runs count as running there for {@link #REPLACE_AFTER}. */
    private final DepartedNodes departed;
    /** The runs' placement epochs in the store; null on a store without them (then nothing is guarded). */
    private final RunEpochs epochs;
    private final HeldRuns held = new HeldRuns();

    public ClusterRunPlacement(Vertx vertx, ResourceStore store, NodeProfile profile) {
        this(vertx, store, profile, REPLACE_AFTER);
    }

    /** With another wait before a departed node's runs are placed again (tests). */
    ClusterRunPlacement(Vertx vertx, ResourceStore store, NodeProfile profile, java.time.Duration replaceAfter) {
        this.departed = new DepartedNodes(replaceAfter);
        this.vertx = vertx;
        this.cluster = ((VertxInternal) vertx).clusterManager();
        this.store = store;
        this.self = cluster.getNodeId();
        this.profile = profile;
        this.epochs = store instanceof PostgresResourceStore shared ? new RunEpochs(shared) : null;
        this.runs = cluster.getSyncMap(RUNS_MAP);
        this.lastNodes = new HashSet<>(cluster.getNodes());
        // Polled rather than a node listener: the cluster manager keeps one listener, and Vert.x's own is in it
        this.watchTimer = vertx.setPeriodic(1000, id -> watchNodes());
    }

    @Override
    public String runAddress() {
        return address(profile.name());
    }

    static String address(String nodeName) {
        return Addresses.VM_RUN + ".node." + nodeName;
    }

    @Override
    public String nodeName() {
        return profile.name();
    }

    @Override
    public Optional<String> dispatch(Vertx sender, Messages.RunVm run, SourceHost host) {
        NodeSelector selector;
        try {
            selector = selectorFor(run, host);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        List<NodeChooser.Candidate> candidates = candidates();
        Optional<NodeChooser.Candidate> chosen = NodeChooser.choose(candidates, selector.labels());
        if (chosen.isEmpty() && selector.pinnedBy() == null) {
            return Optional.of("no Hoist node is in the cluster yet");
        }
        if (chosen.isEmpty()) {
            return Optional.of("no node has the labels " + new TreeMap<>(selector.labels()) + " that " + selector.pinnedBy()
                    + " asks for (" + NODE_SELECTOR + "); nodes: "
                    + candidates.stream().map(c -> c.profile().name() + new TreeMap<>(c.profile().labels())).toList());
        }
        NodeChooser.Candidate node = chosen.get();
        String key = key(run.migrationUid(), run.vmId());
        // a newer epoch first: from now on the writes of any node sent this run before are refused
        Messages.RunVm sent = epochs == null ? run : run.withEpoch(epochs.place(key, node.profile().name()));
        runs.put(key, node.nodeId());
        LOG.debug("VM {} of {} goes to node {} (placement epoch {})", run.vmId(), run.plan(), node.profile().name(), sent.epoch());
        // The node answers once it took the run; if it never does (gone meanwhile), the next pass places it again
        sender.eventBus().request(address(node.profile().name()), sent, new DeliveryOptions().setSendTimeout(DISPATCH_ACK_MS))
                .onFailure(err -> {
                    // No consumer there: the node did not take it. Otherwise (no answer in time) it may have taken it
                    // and be cut off: its record stays, and a departed node's runs move only after REPLACE_AFTER
                    if (err instanceof io.vertx.core.eventbus.ReplyException re
                            && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS
                            && runs.remove(key, node.nodeId())) {
                        LOG.info("node {} did not take VM {} ({}): it will be placed again", node.profile().name(), run.vmId(), err.getMessage());
                    } else {
                        LOG.warn("node {} did not answer for VM {} ({}): counted as running there until the node leaves",
                                node.profile().name(), run.vmId(), err.getMessage());
                    }
                });
        return Optional.empty();
    }

    @Override
    public boolean runningElsewhere(String migrationUid, String vmId) {
        String node = runs.get(key(migrationUid, vmId));
        // A node not among the members is counted from now if the once-a-second poll has not seen it go yet: the
        // leader's passes, held up while Hazelcast suspected the node, ask right after it is dropped, before the poll
        if (node == null || cluster.getNodes().contains(node)) {
            return node != null;
        }
        if (!departed.known(node)) {
            LOG.info("node {}, running VM {}, is no longer a member: its runs count as running there for {} s more",
                    node, vmId, departed.waitTime().toSeconds());
        }
        return departed.withinWait(node);
    }

    /** The names of the members this node sees, itself included (those whose profile is known). */
    public Set<String> liveNodeNames() {
        Set<String> names = new HashSet<>();
        for (String id : cluster.getNodes()) {
            NodeProfile p = profileOf(id);
            if (p != null) {
                names.add(p.name());
            }
        }
        return names;
    }

    @Override
    public void started(Messages.RunVm run) {
        held.hold(held(run));
        runs.put(key(run.migrationUid(), run.vmId()), self);
    }

    @Override
    public void ended(Messages.RunVm run) {
        runs.remove(key(run.migrationUid(), run.vmId()), self);
        held.release(held(run));
    }

    @Override
    public void checkStillPlaced(Messages.RunVm run) {
        if (epochs != null && run.epoch() > 0) {
            epochs.check(held(run));
        }
    }

    /**
     * The runs this node runs with the placement epoch each was sent with: the node's store view
     * ({@link PostgresResourceStore#guardedBy}) and checkpoint store check their writes against it.
     */
    public HeldRuns heldRuns() {
        return held;
    }

    private static HeldRuns.Run held(Messages.RunVm run) {
        return new HeldRuns.Run(run.plan().namespace(), run.plan().name(), run.migrationUid(), run.vmId(), run.epoch());
    }

    /**
     * Drops every record of a run on this node: called by a node that stopped all its runs (cut off) before it takes
     * runs again, so the leader does not wait for runs that no longer go on. A run the leader sends meanwhile finds no
     * taker and is placed again (the node's run address is registered only after this).
     */
    public void forgetOwnRuns() {
        for (Map.Entry<String, String> e : runs.entrySet()) {
            if (self.equals(e.getValue())) {
                runs.remove(e.getKey(), self);
            }
        }
    }

    @Override
    public void onNodeLost(Runnable action) {
        nodeLostActions.add(action);
    }

    /** The live nodes with their profiles and the runs placed on each. */
    private List<NodeChooser.Candidate> candidates() {
        List<String> live = cluster.getNodes();
        Map<String, Integer> placed = new HashMap<>();
        for (String node : runs.values()) {
            placed.merge(node, 1, Integer::sum);
        }
        List<NodeChooser.Candidate> out = new ArrayList<>();
        for (String id : live) {
            NodeProfile p = profileOf(id);
            if (p != null) {
                out.add(new NodeChooser.Candidate(id, p, placed.getOrDefault(id, 0)));
            }
        }
        return out;
    }

    private NodeProfile profileOf(String nodeId) {
        NodeProfile known = profiles.get(nodeId);
        if (known != null) {
            return known;
        }
        if (nodeId.equals(self)) {
            profiles.put(self, profile);
            return profile;
        }
        Promise<NodeInfo> info = Promise.promise();
        cluster.getNodeInfo(nodeId, info);
        try {
            NodeInfo ni = info.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            NodeProfile p = ni == null ? null : NodeProfile.fromJson(ni.metadata());
            if (p != null) {
                profiles.put(nodeId, p);
            }
            return p;
        } catch (Exception e) {
            LOG.warn("no profile of node {} yet: {}", nodeId, e.toString());
            return null;
        }
    }

    /** The node selector of the VM's source host or of its provider ({@link NodeSelector#forVm}). */
    private NodeSelector selectorFor(Messages.RunVm run, SourceHost host) {
        ProviderRef source = sourceProvider(run.plan());
        if (source == null) {
            return NodeSelector.ANY;
        }
        return store.getWithoutItems(ResourceKind.PROVIDER, source.namespace(), source.name())
                .map(p -> NodeSelector.forVm(run.vmId(), host, p, ProviderRuntime.hostsReferencing(store, p)))
                .orElse(NodeSelector.ANY);
    }

    private record ProviderRef(String namespace, String name) {}

    /** The plan's source Provider; null when the plan or its source is gone. */
    private ProviderRef sourceProvider(Messages.PlanKey plan) {
        Optional<ObjectNode> p = store.getWithoutItems(ResourceKind.PLAN, plan.namespace(), plan.name());
        if (p.isEmpty()) {
            return null;
        }
        JsonNode source = p.get().path("spec").path("provider").path("source");
        String name = source.path("name").asText("");
        if (name.isEmpty()) {
            return null;
        }
        String ns = source.path("namespace").asText(plan.namespace());
        return new ProviderRef(ns.isEmpty() ? plan.namespace() : ns, name);
    }

    private void watchNodes() {
        Set<String> now = new HashSet<>(cluster.getNodes());
        Set<String> before = lastNodes;
        lastNodes = now;
        Set<String> gone = departed.update(before, now);
        if (!gone.isEmpty()) {
            for (String id : gone) {
                NodeProfile p = profiles.remove(id);
                LOG.info("node {} left the cluster: the runs it ended go to other nodes now, any others in {} s",
                        p == null ? id : p.name(), departed.waitTime().toSeconds());
            }
            // Now for the runs it ended before leaving, again once the rest may be placed elsewhere
            nodeLost();
            vertx.setTimer(departed.waitTime().toMillis() + 100, id -> nodeLost());
        }
    }

    private void nodeLost() {
        // Off the event loop: the actions reconcile through the store
        Thread.ofVirtual().start(() -> nodeLostActions.forEach(Runnable::run));
    }

    private static String key(String migrationUid, String vmId) {
        return RunEpochs.runKey(migrationUid, vmId);
    }

    @Override
    public void close() {
        vertx.cancelTimer(watchTimer);
    }
}
