package io.hoist.core.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

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
}
