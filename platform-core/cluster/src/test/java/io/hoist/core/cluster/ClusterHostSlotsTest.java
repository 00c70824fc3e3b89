package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.engine.scheduler.TransferScheduler;
import io.hoist.core.engine.scheduler.VmAdmission;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A source host's disk slots counted across two real clustered nodes (Vert.x on Hazelcast, two members in this JVM),
 * each with its own {@link TransferScheduler} (disk copies) and {@link VmAdmission} (VM starts) sharing through
 * {@link ClusterHostLimits}: the host's limit holds across both nodes, slots given back on one node start a request
 * waiting on the other, and a node that leaves without giving its slots back (its process gone, or cut off and still
 * copying until its fence stops it) has them dropped once it has been gone for the wait its runs wait too.
 */
class ClusterHostSlotsTest {
    private static final java.time.Duration RELEASE_AFTER = java.time.Duration.ofSeconds(4);
    private static final String ESX1 = "provider-uid/host-1";
    private static final String ESX2 = "provider-uid/host-2";

    @Test
    void aHostsLimitHoldsAcrossNodesAndALeavingNodesSlotsComeBack() throws Exception {
        int portA = EngineMessagesAcrossNodesTest.freePort();
        int portB = EngineMessagesAcrossNodesTest.freePort();
        List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
        Vertx a = null;
        Vertx b = null;
        ClusterHostLimits onA = null;
        try {
            a = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portA, members, Map.of(), "node-a"));
            b = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portB, members, Map.of(), "node-b"));
            onA = new ClusterHostLimits(a, RELEASE_AFTER);
            ClusterHostLimits onB = new ClusterHostLimits(b, RELEASE_AFTER);
            TransferScheduler copiesA = new TransferScheduler(() -> 2);
            TransferScheduler copiesB = new TransferScheduler(() -> 2);
            VmAdmission vmsA = new VmAdmission(() -> 2, () -> 0);
            VmAdmission vmsB = new VmAdmission(() -> 2, () -> 0);
            onA.shareSlots(copiesA, vmsA, () -> 0);
            onB.shareSlots(copiesB, vmsB, () -> 0);

            // node-a fills host-1 (limit 2) in both ledgers; node-b's requests for host-1 wait, for host-2 they do not
            TransferScheduler.Lease copyOnA = copiesA.acquire(ESX1, "team/wave", 2, 0).get(1, TimeUnit.MINUTES);
            VmAdmission.Ticket vmOnA = vmsA.admit(ESX1, "team/wave", 2, 0).get(1, TimeUnit.MINUTES);
            CompletableFuture<TransferScheduler.Lease> copyWaitingOnB = copiesB.acquire(ESX1, "team/other", 1, 0);
            CompletableFuture<VmAdmission.Ticket> vmWaitingOnB = vmsB.admit(ESX1, "team/other", 1, 0);
            copiesB.acquire(ESX2, "team/other", 2, 0).get(1, TimeUnit.MINUTES).close();
            Thread.sleep(1500); // past a periodic look of both nodes
            assertThat(copyWaitingOnB).as("node-b's copy while node-a holds host-1's 2 slots").isNotDone();
            assertThat(vmWaitingOnB).as("node-b's VM while node-a's VMs cost host-1's 2").isNotDone();
            assertThat(copiesB.hasRoom(ESX1)).as("node-b's consumer has no credit for host-1").isFalse();
            assertThat(copiesB.inUse(ESX1)).isZero(); // counted per node it would have fitted

            // a slot given back on node-a starts node-b's copy; the VM ledger is apart and waits for its own
            copyOnA.release(1);
            TransferScheduler.Lease copyOnB = copyWaitingOnB.get(1, TimeUnit.MINUTES);
            assertThat(copyOnB.held()).isEqualTo(1);
            assertThat(vmWaitingOnB).isNotDone();
            vmOnA.close();
            vmWaitingOnB.get(1, TimeUnit.MINUTES).close();

            // one slot each: node-a's next waits, until node-b has been gone (without giving its slot back) for the wait
            CompletableFuture<TransferScheduler.Lease> copyWaitingOnA = copiesA.acquire(ESX1, "team/wave", 1, 0);
            CompletableFuture<Long> grantedAt = copyWaitingOnA.thenApply(lease -> System.nanoTime());
            Thread.sleep(1500);
            assertThat(copyWaitingOnA).as("node-a's next while node-b holds 1 of host-1's 2").isNotDone();
            long leaving = System.nanoTime();
            b.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            b = null;
            Thread.sleep(1500); // past node-a's next look, which sees node-b gone
            assertThat(copyWaitingOnA).as("node-a's next while node-b may still copy (gone less than the wait)").isNotDone();
            assertThat(copyWaitingOnA.get(1, TimeUnit.MINUTES).held()).isEqualTo(1);
            assertThat(grantedAt.get() - leaving).as("nanoseconds from node-b leaving to its slot given back")
                    .isGreaterThanOrEqualTo(RELEASE_AFTER.toNanos());
            assertThat(copiesA.inUse(ESX1)).isEqualTo(2);
        } finally {
            if (onA != null) {
                onA.close();
            }
            for (Vertx v : new Vertx[] {a, b}) {
                if (v != null) {
                    v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
                }
            }
        }
    }

    /**
     * {@code controller_max_disks_inflight_total} counted across the nodes: 2 for the cluster, each node's own count
     * (2) and the hosts' limit (10) leave room, yet node-b's copy from another host waits while node-a copies 2 disks,
     * and starts as one ends. Counted per node (platform limit not shared) node-b's copy would start at once.
     */
    @Test
    void thePlatformLimitHoldsAcrossNodes() throws Exception {
        try (TwoNodes nodes = new TwoNodes()) {
            TransferScheduler copiesA = new TransferScheduler(() -> 10, () -> 2);
            TransferScheduler copiesB = new TransferScheduler(() -> 10, () -> 2);
            VmAdmission vmsA = new VmAdmission(() -> 10, () -> 2);
            VmAdmission vmsB = new VmAdmission(() -> 10, () -> 2);
            nodes.onA.shareSlots(copiesA, vmsA, () -> 2);
            nodes.onB.shareSlots(copiesB, vmsB, () -> 2);

            TransferScheduler.Lease copiesOnA = copiesA.acquire(ESX1, "team/wave", 2, 0).get(1, TimeUnit.MINUTES);
            VmAdmission.Ticket vmOnA = vmsA.admit(ESX1, "team/wave", 2, 0).get(1, TimeUnit.MINUTES);
            CompletableFuture<TransferScheduler.Lease> copyWaitingOnB = copiesB.acquire(ESX2, "team/other", 1, 0);
            CompletableFuture<VmAdmission.Ticket> vmWaitingOnB = vmsB.admit(ESX2, "team/other", 1, 0);
            Thread.sleep(1500); // past a periodic look of both nodes
            assertThat(copyWaitingOnB).as("node-b's copy from host-2 while node-a copies the cluster's 2 disks").isNotDone();
            assertThat(vmWaitingOnB).as("node-b's VM while node-a's VMs cost the cluster's 2").isNotDone();
            assertThat(copiesB.hasRoom(ESX2)).as("node-b's consumer has no credit while the cluster is full").isFalse();

            copiesOnA.release(1);
            assertThat(copyWaitingOnB.get(1, TimeUnit.MINUTES).held()).isEqualTo(1);
            assertThat(vmWaitingOnB).as("the VM ledger counts apart").isNotDone();
            vmOnA.close();
            vmWaitingOnB.get(1, TimeUnit.MINUTES).close();
            assertThat(nodes.leasesOnA().counts(ClusterHostLimits.COPIES + "|*")).isEqualTo(Map.of(nodes.idA(), 1, nodes.idB(), 1));
        }
    }

    /**
     * A host's slot given back goes to the node that asked for it first, not to whichever asks next: node-b asks while
     * node-a holds host-1's one slot, node-a asks again after, and node-a's own release (which looks at its own queue
     * at once, before node-b hears of it) still leaves the slot to node-b; then the other way round.
     */
    @Test
    void aHostsSlotGoesToTheNodeThatAskedFirst() throws Exception {
        try (TwoNodes nodes = new TwoNodes()) {
            TransferScheduler copiesA = new TransferScheduler(() -> 1);
            TransferScheduler copiesB = new TransferScheduler(() -> 1);
            nodes.onA.shareSlots(copiesA, new VmAdmission(() -> 1, () -> 0), () -> 0);
            nodes.onB.shareSlots(copiesB, new VmAdmission(() -> 1, () -> 0), () -> 0);

            TransferScheduler.Lease first = copiesA.acquire(ESX1, "team/wave", 1, 0).get(1, TimeUnit.MINUTES);
            CompletableFuture<TransferScheduler.Lease> askedFirstOnB = copiesB.acquire(ESX1, "team/other", 1, 0);
            Thread.sleep(200); // node-b's refusal (its turn) before node-a's next request
            CompletableFuture<TransferScheduler.Lease> askedAfterOnA = copiesA.acquire(ESX1, "team/wave", 1, 0);
            Thread.sleep(1500);
            assertThat(nodes.leasesOnA().waiting(ClusterHostLimits.COPIES + "|" + ESX1)).containsExactly(nodes.idB());

            first.close();
            CompletableFuture.anyOf(askedFirstOnB, askedAfterOnA).get(1, TimeUnit.MINUTES);
            Thread.sleep(500);
            assertThat(askedAfterOnA).as("node-a's later request, node-b having asked first").isNotDone();
            TransferScheduler.Lease onB = askedFirstOnB.getNow(null);
            assertThat(onB).as("node-b's earlier request").isNotNull();

            CompletableFuture<TransferScheduler.Lease> askedLastOnB = copiesB.acquire(ESX1, "team/other", 1, 0);
            Thread.sleep(200);
            onB.close();
            askedAfterOnA.get(1, TimeUnit.MINUTES).close();
            askedLastOnB.get(1, TimeUnit.MINUTES).close();
            assertThat(nodes.leasesOnA().waiting(ClusterHostLimits.COPIES + "|" + ESX1)).isEmpty();
        }
    }

    /** Two clustered Vert.x nodes (node-a, node-b) in this JVM, each with its {@link ClusterHostLimits}. */
    private static final class TwoNodes implements AutoCloseable {
        final Vertx a;
        final Vertx b;
        final ClusterHostLimits onA;
        final ClusterHostLimits onB;

        TwoNodes() throws Exception {
            int portA = EngineMessagesAcrossNodesTest.freePort();
            int portB = EngineMessagesAcrossNodesTest.freePort();
            List<String> members = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB);
            a = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portA, members, Map.of(), "node-a"));
            b = EngineMessagesAcrossNodesTest.clustered(new ClusterSettings("127.0.0.1", portB, members, Map.of(), "node-b"));
            onA = new ClusterHostLimits(a, RELEASE_AFTER);
            onB = new ClusterHostLimits(b, RELEASE_AFTER);
        }

        String idA() {
            return ((io.vertx.core.internal.VertxInternal) a).clusterManager().getNodeId();
        }

        String idB() {
            return ((io.vertx.core.internal.VertxInternal) b).clusterManager().getNodeId();
        }

        HostLeases leasesOnA() {
            return onA.leases();
        }

        @Override
        public void close() throws Exception {
            onA.close();
            onB.close();
            for (Vertx v : new Vertx[] {a, b}) {
                v.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            }
        }
    }
}
