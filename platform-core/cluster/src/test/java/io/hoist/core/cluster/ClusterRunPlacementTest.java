package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.bus.Messages;
import io.hoist.core.engine.bus.RecordCodec;
import io.hoist.core.engine.run.RunPlacement;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.Resources;
import io.hoist.core.store.StoreException;
import io.hoist.core.store.postgresql.PostgresCheckpointStore;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Placement over two real clustered Vert.x nodes and a real PostgreSQL store: a provider's node selector sends its
 * VMs to the node with those labels, a selector no node meets is a reason (no run sent), and a run whose node left the
 * cluster no longer counts as running, so the leader places it again. Each node's engine is stood in for by a
 * consumer on its run address that takes the run as the engine does (records it, answers). A run placed again on
 * another node leaves the node it was on unable to write for it (placement epochs in the store).
 */
class ClusterRunPlacementTest {
    private static final Messages.PlanKey PLAN = new Messages.PlanKey("team", "wave");
    private static final java.time.Duration REPLACE_AFTER = java.time.Duration.ofSeconds(4);
    /** Each run as a node took it ("node-name/vm id"), with the placement epoch it was sent with. */
    private static final Map<String, Messages.RunVm> RECEIVED = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void runsGoToTheNodesTheirProviderAsksForAndAreFreedWhenTheNodeLeaves() throws Exception {
        int portA = EngineMessagesAcrossNodesTest.freePort();
        int portB = EngineMessagesAcrossNodesTest.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        ClusterSettings sa = new ClusterSettings("127.0.0.1", portA, members, Map.of("zone", "a"), "node-a", 2, 0);
        ClusterSettings sb = new ClusterSettings("127.0.0.1", portB, members, Map.of("zone", "b"), "node-b", 2, 0);
        Vertx a = null;
        Vertx b = null;
        try (PostgresTestServer pg = PostgresTestServer.create();
             PostgresResourceStore store = PostgresResourceStore.open(PostgresLocation.parse(pg.newDatabase(),
                     Map.of("PGPASSWORD", pg.password())))) {
            store.createNamespace("team", Resources.MAPPER.createObjectNode());
            ObjectNode provider = store.create(ResourceKind.PROVIDER, object("Provider", "ova", "zone=b"));
            store.create(ResourceKind.PLAN, plan());
            a = EngineMessagesAcrossNodesTest.clustered(sa);
            b = EngineMessagesAcrossNodesTest.clustered(sb);
            ClusterRunPlacement onA = new ClusterRunPlacement(a, store, sa.profile(), REPLACE_AFTER);
            ClusterRunPlacement onB = new ClusterRunPlacement(b, store, sb.profile(), REPLACE_AFTER);
            LinkedBlockingQueue<String> takenOnA = takeRuns(a, onA);
            LinkedBlockingQueue<String> takenOnB = takeRuns(b, onB);
            LinkedBlockingQueue<Long> lost = new LinkedBlockingQueue<>();
            onA.onNodeLost(() -> lost.add(System.nanoTime()));
            awaitNodes(a, 2);
            assertThat(onA.liveNodeNames()).containsExactlyInAnyOrder("node-a", "node-b");

            // pinned to zone=b: both VMs go to node-b, whichever node is less busy
            Messages.RunVm vm1 = new Messages.RunVm(PLAN, "wave-run", "uid-1", "vm-1");
            Messages.RunVm vm2 = new Messages.RunVm(PLAN, "wave-run", "uid-1", "vm-2");
            assertThat(dispatchOnceRegistered(a, onA, vm1)).isEmpty();
            assertThat(takenOnB.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-1");
            assertThat(onA.dispatch(a, vm2)).isEmpty();
            assertThat(takenOnB.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-2");
            assertThat(takenOnA).isEmpty();
            assertThat(onA.runningElsewhere("uid-1", "vm-1")).isTrue();
            assertThat(onA.runningElsewhere("uid-1", "vm-3")).isFalse();

            // a selector no node meets, and one that is not a label list: a reason, nothing sent
            provider.with("metadata").with("annotations").put(ClusterRunPlacement.NODE_SELECTOR, "zone=c");
            provider = store.update(ResourceKind.PROVIDER, provider);
            Optional<String> none = onA.dispatch(a, new Messages.RunVm(PLAN, "wave-run", "uid-1", "vm-3"));
            assertThat(none).get().asString().contains("no node has the labels {zone=c}", "team/ova", "node-a{zone=a}", "node-b{zone=b}");
            provider.with("metadata").with("annotations").put(ClusterRunPlacement.NODE_SELECTOR, "zone");
            provider = store.update(ResourceKind.PROVIDER, provider);
            assertThat(onA.dispatch(a, new Messages.RunVm(PLAN, "wave-run", "uid-1", "vm-3"))).get().asString()
                    .contains("Provider team/ova annotation hoist.io/node-selector", "'zone' is not key=value");
            assertThat(onA.runningElsewhere("uid-1", "vm-3")).isFalse();

            // without a selector: the idle node-a is chosen over node-b (2 runs for a cap of 2)
            provider.with("metadata").with("annotations").remove(ClusterRunPlacement.NODE_SELECTOR);
            store.update(ResourceKind.PROVIDER, provider);
            assertThat(onA.dispatch(a, new Messages.RunVm(PLAN, "wave-run", "uid-1", "vm-3"))).isEmpty();
            assertThat(takenOnA.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-3");

            hostsPinTheirVms(store, a, onA, takenOnA, takenOnB);

            // node-b ends vm-2 and leaves without ending vm-1 and vm-4 (as a cut-off node looks from here): vm-2 may go
            // elsewhere at once, vm-1 and vm-4 only once a cut-off node would have stopped them; the leader is told at
            // both moments
            onB.ended(vm2);
            onB.close();
            String nodeB = ((io.vertx.core.internal.VertxInternal) b).clusterManager().getNodeId();
            CompletableFuture<Void> closing = b.close().toCompletionStage().toCompletableFuture();
            // asked the moment node-b is no longer a member, before node-a's once-a-second membership poll saw it go
            // (the leader's passes, held up while Hazelcast suspected the node, ask right then): still running there
            awaitGone(a, nodeB);
            assertThat(onA.runningElsewhere("uid-1", "vm-1")).as("node-b's unended run, right after it left").isTrue();
            closing.get(2, TimeUnit.MINUTES);
            b = null;
            long first = lost.poll(1, TimeUnit.MINUTES);
            assertThat(onA.runningElsewhere("uid-1", "vm-2")).isFalse();
            assertThat(onA.runningElsewhere("uid-1", "vm-1")).as("node-b's unended run within the wait").isTrue();
            assertThat(onA.runningElsewhere("uid-1", "vm-4")).as("node-b's unended run within the wait").isTrue();
            assertThat(onA.liveNodeNames()).containsExactly("node-a");
            Long second = lost.poll(1, TimeUnit.MINUTES);
            assertThat(second).as("the leader told again after the wait").isNotNull();
            assertThat(second - first).isGreaterThanOrEqualTo(REPLACE_AFTER.toNanos() - TimeUnit.SECONDS.toNanos(1));
            assertThat(onA.runningElsewhere("uid-1", "vm-1")).isFalse();
            assertThat(onA.runningElsewhere("uid-1", "vm-4")).isFalse();
            // vm-1 placed again, on node-a: node-b, cut off but still reaching PostgreSQL, can no longer write for it
            assertThat(onA.dispatch(a, vm1, new RunPlacement.SourceHost(true, "host-2"))).isEmpty();
            assertThat(takenOnA.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-1");
            lateWritesOfTheOldNodeAreRefused(store, onB, onA);
            assertThat(onA.runningElsewhere("uid-1", "vm-3")).isTrue();
            // a node that stopped its runs drops their records before taking runs again
            onA.forgetOwnRuns();
            assertThat(onA.runningElsewhere("uid-1", "vm-3")).isFalse();
            assertThat(onA.runningElsewhere("uid-1", "vm-5")).isFalse();
            onA.close();
        } finally {
            for (Vertx v : new Vertx[] {a, b}) {
                if (v != null) {
                    v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    /**
     * A Host resource with a selector pins the VMs on its host, over its provider's; a VM whose host is not known yet
     * is not placed while a Host pins. Starts with node-a running 1 VM and node-b 2 (caps of 2).
     */
    private static void hostsPinTheirVms(PostgresResourceStore store, Vertx a, ClusterRunPlacement onA,
                                         LinkedBlockingQueue<String> takenOnA, LinkedBlockingQueue<String> takenOnB) throws Exception {
        ObjectNode provider = store.get(ResourceKind.PROVIDER, "team", "ova").orElseThrow();
        provider.with("metadata").with("annotations").put(ClusterRunPlacement.NODE_SELECTOR, "zone=a");
        store.update(ResourceKind.PROVIDER, provider);
        ObjectNode esx1 = object("Host", "esx-1", "zone=b");
        esx1.putObject("spec").put("id", "host-1").putObject("provider").put("name", "ova");
        esx1 = store.create(ResourceKind.HOST, esx1);

        // the busier node-b, outside the provider's zone: only the Host's selector sends vm-4 there
        assertThat(onA.dispatch(a, run("vm-4"), new RunPlacement.SourceHost(true, "host-1"))).isEmpty();
        assertThat(takenOnB.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-4");
        // another host of the provider: the provider's selector
        assertThat(onA.dispatch(a, run("vm-5"), new RunPlacement.SourceHost(true, "host-2"))).isEmpty();
        assertThat(takenOnA.poll(1, TimeUnit.MINUTES)).isEqualTo("vm-5");
        // not described yet: not placed rather than placed where its host's selector may not allow
        assertThat(onA.dispatch(a, run("vm-6"), RunPlacement.SourceHost.UNKNOWN)).get().asString()
                .contains("source host of VM vm-6 is not known yet", "Host team/esx-1");
        // labels no node has: the reason names the Host
        esx1.with("metadata").with("annotations").put(ClusterRunPlacement.NODE_SELECTOR, "zone=c");
        store.update(ResourceKind.HOST, esx1);
        assertThat(onA.dispatch(a, run("vm-6"), new RunPlacement.SourceHost(true, "host-1"))).get().asString()
                .contains("no node has the labels {zone=c} that Host team/esx-1 asks for");
        assertThat(onA.runningElsewhere("uid-1", "vm-6")).isFalse();
        assertThat(takenOnA).isEmpty();
        assertThat(takenOnB).isEmpty();
    }

    /**
     * vm-1 ran on node-b, then was placed on node-a: node-b's VM-entry write, checkpoint save and target VM creation
     * for it are refused, writing nothing; node-a's pass.
     */
    private static void lateWritesOfTheOldNodeAreRefused(PostgresResourceStore store, ClusterRunPlacement oldNode,
                                                         ClusterRunPlacement newNode) throws Exception {
        Messages.RunVm before = RECEIVED.get("node-b/vm-1");
        Messages.RunVm now = RECEIVED.get("node-a/vm-1");
        assertThat(before.epoch()).isPositive();
        assertThat(now.epoch()).as("the epoch the run was sent to node-a with").isGreaterThan(before.epoch());
        ObjectNode late = Resources.MAPPER.createObjectNode().put("id", "vm-1").put("phase", "CopyDisks");
        String disk = "uid-1_vm-1_disk-0"; // the copier's name of its checkpoint
        io.hoist.core.transfer.checkpoint.Checkpoint cp = new io.hoist.core.transfer.checkpoint.Checkpoint("fp", 1L << 30, 1,
                new byte[32], new byte[32]);
        assertThatThrownBy(() -> store.guardedBy(oldNode.heldRuns()).writeItems(ResourceKind.PLAN, "team", "wave", List.of(late)))
                .isInstanceOf(StoreException.Superseded.class).hasMessageContaining("uid-1/vm-1");
        assertThat(store.item(ResourceKind.PLAN, "team", "wave", "vm-1")).isEmpty();
        assertThatThrownBy(() -> new PostgresCheckpointStore(store, oldNode.heldRuns()).save(disk, cp))
                .hasRootCauseInstanceOf(StoreException.Superseded.class);
        assertThat(new PostgresCheckpointStore(store).load(disk)).isEmpty();
        assertThatThrownBy(() -> oldNode.checkStillPlaced(before)).isInstanceOf(StoreException.Superseded.class);

        store.guardedBy(newNode.heldRuns()).writeItems(ResourceKind.PLAN, "team", "wave", List.of(late));
        new PostgresCheckpointStore(store, newNode.heldRuns()).save(disk, cp);
        newNode.checkStillPlaced(now);
        assertThat(store.item(ResourceKind.PLAN, "team", "wave", "vm-1")).isPresent();
    }

    private static Messages.RunVm run(String vmId) {
        return new Messages.RunVm(PLAN, "wave-run", "uid-1", vmId);
    }

    /** What a node's engine does with a run sent to it: takes it (recorded here) and answers. */
    private static LinkedBlockingQueue<String> takeRuns(Vertx node, ClusterRunPlacement placement) throws Exception {
        RecordCodec.registerAll(node.eventBus());
        LinkedBlockingQueue<String> taken = new LinkedBlockingQueue<>();
        node.eventBus().<Messages.RunVm>consumer(placement.runAddress(), m -> {
            placement.started(m.body());
            RECEIVED.put(placement.nodeName() + "/" + m.body().vmId(), m.body());
            taken.add(m.body().vmId());
            m.reply(null);
        }).completion().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        return taken;
    }

    /** The first dispatch, once the other node's consumer is known here (registrations spread asynchronously). */
    private static Optional<String> dispatchOnceRegistered(Vertx from, ClusterRunPlacement placement, Messages.RunVm run)
            throws Exception {
        String address = ClusterRunPlacement.address("node-b");
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < end) {
            CompletableFuture<Boolean> known = new CompletableFuture<>();
            io.vertx.core.Promise<List<io.vertx.core.spi.cluster.RegistrationInfo>> regs = io.vertx.core.Promise.promise();
            ((io.vertx.core.internal.VertxInternal) from).clusterManager().getRegistrations(address, regs);
            regs.future().onComplete(r -> known.complete(r.succeeded() && !r.result().isEmpty()));
            if (known.get(30, TimeUnit.SECONDS)) {
                return placement.dispatch(from, run);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node-b's run address never reached node-a");
    }

    private static void awaitGone(Vertx v, String nodeId) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (((io.vertx.core.internal.VertxInternal) v).clusterManager().getNodes().contains(nodeId)) {
            assertThat(System.nanoTime()).as(nodeId + " gone from the cluster").isLessThan(end);
            Thread.sleep(1);
        }
    }

    private static void awaitNodes(Vertx v, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (((io.vertx.core.internal.VertxInternal) v).clusterManager().getNodes().size() < n) {
            assertThat(System.nanoTime()).as(n + " nodes in the cluster").isLessThan(end);
            Thread.sleep(100);
        }
    }

    private static ObjectNode object(String kind, String name, String selector) {
        ObjectNode o = Resources.MAPPER.createObjectNode();
        o.put("apiVersion", "forklift.konveyor.io/v1beta1").put("kind", kind);
        ObjectNode meta = o.putObject("metadata").put("name", name).put("namespace", "team");
        meta.putObject("annotations").put(ClusterRunPlacement.NODE_SELECTOR, selector);
        o.putObject("spec").put("type", "ova").put("url", "file:///nowhere");
        return o;
    }

    private static ObjectNode plan() {
        ObjectNode o = Resources.MAPPER.createObjectNode();
        o.put("apiVersion", "forklift.konveyor.io/v1beta1").put("kind", "Plan");
        o.putObject("metadata").put("name", "wave").put("namespace", "team");
        o.putObject("spec").putObject("provider").putObject("source").put("name", "ova").put("namespace", "team");
        return o;
    }
}
