package io.hoist.core.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransferSchedulerTest {

    @Test
    void disksAreBoundedPerHostAcrossPlans() {
        TransferScheduler s = new TransferScheduler(() -> 15);
        var a = s.acquire("esx1", "planA", 5, 0);
        var b = s.acquire("esx1", "planB", 5, 0);
        var c = s.acquire("esx1", "planC", 6, 0);
        assertThat(a).isDone();
        assertThat(b).isDone();
        assertThat(c).isNotDone();
        assertThat(s.inUse("esx1")).isEqualTo(10);
        // One disk of A finishing frees the 16th slot (MTV's documented example).
        a.join().release(1);
        assertThat(c).isDone();
        assertThat(s.inUse("esx1")).isEqualTo(15);
    }

    @Test
    void thePlatformWideLimitHoldsAcrossHostsAndServesInArrivalOrder() {
        AtomicInteger total = new AtomicInteger(3);
        TransferScheduler s = new TransferScheduler(() -> 2, total::get);
        var a = s.acquire("esx1", "planA", 2, 0);
        var b = s.acquire("esx2", "planB", 2, 0); // its host is idle, but only one platform slot is left
        var c = s.acquire("esx3", "planC", 1, 0); // fits, yet arrived after b: waits behind it
        assertThat(a).isDone();
        assertThat(b).isNotDone();
        assertThat(c).isNotDone();
        assertThat(s.inUseTotal()).isEqualTo(2);
        assertThat(s.hasRoom("esx4")).as("no credit for any host while the platform is full").isFalse();
        a.join().release(1);
        assertThat(b).isDone();
        assertThat(c).isNotDone();
        assertThat(s.inUseTotal()).isEqualTo(3);
        b.join().close();
        assertThat(c).isDone();
        // 0 turns the platform-wide limit off again, read on the next decision
        total.set(0);
        var d = s.acquire("esx4", "planD", 2, 0);
        var e = s.acquire("esx5", "planE", 2, 0);
        assertThat(d).isDone();
        assertThat(e).isDone();
        assertThat(s.inUseTotal()).isEqualTo(6);
    }

    @Test
    void otherHostsAreIndependent() {
        TransferScheduler s = new TransferScheduler(() -> 2);
        s.acquire("esx1", "p", 2, 0);
        var other = s.acquire("esx2", "p", 2, 0);
        assertThat(other).isDone();
    }

    @Test
    void vmWithMoreDisksThanLimitRunsAloneWhenHostIsIdle() {
        TransferScheduler s = new TransferScheduler(() -> 4);
        var small = s.acquire("h", "p", 1, 0);
        var big = s.acquire("h", "p", 9, 0);
        var after = s.acquire("h", "p", 1, 0);
        assertThat(big).isNotDone();
        // Head-of-line: the small request behind the big one waits, so the big VM is not starved.
        assertThat(after).isNotDone();
        small.join().close();
        assertThat(big).isDone();
        assertThat(after).isNotDone();
        big.join().close();
        assertThat(after).isDone();
    }

    @Test
    void planCapHoldsBackOnlyThatPlan() {
        TransferScheduler s = new TransferScheduler(() -> 10);
        var p1 = s.acquire("h", "capped", 2, 2);
        var p2 = s.acquire("h", "capped", 1, 2);
        var other = s.acquire("h", "free", 3, 0);
        assertThat(p1).isDone();
        assertThat(p2).isNotDone();
        assertThat(other).isDone();
        p1.join().release(1);
        assertThat(p2).isDone();
    }

    @Test
    void limitChangeAppliesLive() {
        AtomicInteger limit = new AtomicInteger(1);
        TransferScheduler s = new TransferScheduler(limit::get);
        s.acquire("h", "p", 1, 0);
        var waiting = s.acquire("h", "p", 1, 0);
        assertThat(waiting).isNotDone();
        limit.set(3);
        s.poke();
        assertThat(waiting).isDone();
    }

    @Test
    void cancelledWaiterLeavesTheQueue() {
        TransferScheduler s = new TransferScheduler(() -> 1);
        var held = s.acquire("h", "p", 1, 0);
        CompletableFuture<TransferScheduler.Lease> waiting = s.acquire("h", "p", 1, 0);
        var behind = s.acquire("h", "q", 1, 0);
        waiting.cancel(false);
        held.join().close();
        assertThat(behind).isDone();
        assertThat(s.waiting()).isZero();
        assertThat(s.inUse("h")).isEqualTo(1);
    }

    @Test
    void aDecisionLooksAtEachQueuesHeadNotAtEveryWaitingRequest() {
        // 20,000 VMs of one capped plan on 8 hosts: the plan's cap, not the hosts, holds them, so each host has room
        // and a walk in arrival order would pass over every waiting request on every disk's end.
        int hosts = 8;
        TransferScheduler s = new TransferScheduler(() -> 10);
        List<CompletableFuture<TransferScheduler.Lease>> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            all.add(s.acquire("host-" + i % hosts, "big", 1, 8));
        }
        s.acquire("host-0", "other", 1, 0); // another plan is not held back by the capped one
        assertThat(all.stream().filter(CompletableFuture::isDone)).hasSize(8);
        assertThat(s.waiting()).isEqualTo(20_000 - 8);
        long before = s.examined();
        int decisions = 0;
        for (int done = 0; done < 1_000; done++) {
            CompletableFuture<TransferScheduler.Lease> running = all.get(done);
            running.join().close(); // one disk ends: the next request of the plan starts
            decisions++;
            assertThat(all.get(done + 8)).isDone();
        }
        long perDecision = (s.examined() - before) / decisions;
        assertThat(perDecision).as("requests looked at per decision (hosts x plans is %d)", hosts * 2)
                .isLessThanOrEqualTo(hosts * 2 + 2);
        assertThat(s.waitingByHost().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(20_000 - 1_008);
    }

    @Test
    void cancellingTwentyThousandWaitersCostsNoWalkPerCancel() {
        // The host has room; the plan's cap (1, taken) holds every waiter, so each cancel's decision meets them all.
        TransferScheduler s = new TransferScheduler(() -> 10);
        s.acquire("h", "p", 1, 1);
        List<CompletableFuture<TransferScheduler.Lease>> waiting = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            waiting.add(s.acquire("h", "p", 1, 1));
        }
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = waiting.size() - 1; i >= 0; i--) {
            waiting.get(i).cancel(false); // newest first: the farthest from a queue's head
        }
        double cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
        assertThat(s.waiting()).isZero();
        assertThat(s.waitingByHost()).isEmpty();
        assertThat(cpuMs).as("CPU ms for 20,000 cancels (a walk of the queue per cancel took seconds)").isLessThan(1_000);
    }

    @Test
    void aPlansLaterRequestsWaitBehindItsCappedHeadOnTheHost() {
        TransferScheduler s = new TransferScheduler(() -> 10);
        var first = s.acquire("h", "p", 2, 3);
        var big = s.acquire("h", "p", 2, 3);   // held by the plan's cap (2 + 2 > 3)
        var small = s.acquire("h", "p", 1, 3); // would fit the cap, but arrived after big: it does not overtake it
        assertThat(first).isDone();
        assertThat(big).isNotDone();
        assertThat(small).isNotDone();
        first.join().close();
        assertThat(big).isDone();
        assertThat(small).isDone();
    }

    /**
     * With shared slots (a cluster's seam, here an in-memory stand-in for the other nodes): the platform-wide limit is
     * taken from them as well as the host's, given back with the lease, and a request they refused holds its turn
     * there until it is granted or canceled (then withdrawn, so other nodes do not wait behind it).
     */
    @Test
    void sharedSlotsCountThePlatformLimitAndAWaiterWithdrawsWhenCanceled() {
        InMemorySharedSlots shared = new InMemorySharedSlots();
        TransferScheduler s = new TransferScheduler(() -> 4);
        s.share(shared, () -> 2);
        shared.held.put(SharedHostSlots.ALL_HOSTS, 1); // another node copies one disk
        var a = s.acquire("esx1", "planA", 1, 0);
        var b = s.acquire("esx2", "planB", 1, 0);
        assertThat(a).isDone();
        assertThat(b).as("the cluster's 2 disks are in flight").isNotDone();
        assertThat(shared.held).containsEntry(SharedHostSlots.ALL_HOSTS, 2).containsEntry("esx1", 1)
                .doesNotContainKey("esx2"); // the host slot taken before the platform's refusal was given back
        assertThat(s.hasRoom("esx3")).isFalse();

        a.join().close();
        assertThat(b).isDone();
        assertThat(shared.held).containsEntry(SharedHostSlots.ALL_HOSTS, 2).doesNotContainKey("esx1");
        assertThat(shared.withdrawn).as("a turn ends with the take itself").isEmpty();

        shared.held.put("esx4", 4); // another node holds esx4's every slot
        var c = s.acquire("esx4", "planA", 1, 0);
        assertThat(c).isNotDone();
        c.cancel(false);
        assertThat(shared.withdrawn).containsExactly("esx4");
    }

    /** The shared slots in this JVM: counts by key, no other engine's turns; records what was withdrawn. */
    private static final class InMemorySharedSlots implements SharedHostSlots {
        final java.util.Map<String, Integer> held = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> withdrawn = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public boolean tryTake(String hostKey, int disks, int limit, long askedAt) {
            int used = held.getOrDefault(hostKey, 0);
            if (!TransferScheduler.fits(used, disks, limit)) {
                return false;
            }
            held.put(hostKey, used + disks);
            return true;
        }

        @Override
        public void giveBack(String hostKey, int disks) {
            held.computeIfPresent(hostKey, (k, v) -> v - disks <= 0 ? null : v - disks);
        }

        @Override
        public void withdraw(String hostKey) {
            withdrawn.add(hostKey);
        }

        @Override
        public long clock() {
            return System.currentTimeMillis();
        }
    }
}
