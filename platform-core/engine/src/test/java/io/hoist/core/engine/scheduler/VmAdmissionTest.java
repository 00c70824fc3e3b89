package io.hoist.core.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VmAdmissionTest {

    @Test
    void aVmStartsOnlyWhenItsDisksFitItsHostAndTheNextStartsWhenOneGivesItsPlaceBack() {
        VmAdmission a = new VmAdmission(() -> 4, () -> 0);
        var first = a.admit("esx1", "planA", 3, 0);
        var second = a.admit("esx1", "planB", 2, 0); // 3 + 2 > 4: waits, across plans
        var otherHost = a.admit("esx2", "planA", 2, 0);
        assertThat(first).isDone();
        assertThat(second).isNotDone();
        assertThat(otherHost).as("another host has its own places").isDone();
        assertThat(a.inFlight("esx1")).isEqualTo(3);
        assertThat(a.waiting()).isEqualTo(1);
        first.join().close();
        assertThat(second).isDone();
        first.join().close(); // idempotent: gives nothing back twice
        assertThat(a.inFlight("esx1")).isEqualTo(2);
    }

    @Test
    void aCanceledWaiterLeavesTheQueueAndHoldsBackNobody() {
        VmAdmission a = new VmAdmission(() -> 1, () -> 0);
        var running = a.admit("esx1", "p", 1, 0);
        var canceled = a.admit("esx1", "p", 1, 0);
        var next = a.admit("esx1", "p", 1, 0);
        canceled.cancel(false);
        assertThat(a.waiting()).isEqualTo(1);
        running.join().close();
        assertThat(next).isDone();
        assertThat(a.inFlight("esx1")).isEqualTo(1);
    }

    @Test
    void aVmWithMoreDisksThanTheLimitStartsAloneOnAnIdleHost() {
        VmAdmission a = new VmAdmission(() -> 2, () -> 0);
        var small = a.admit("esx1", "p", 1, 0);
        var big = a.admit("esx1", "p", 5, 0);
        assertThat(big).isNotDone();
        small.join().close();
        assertThat(big).isDone();
        var after = a.admit("esx1", "p", 1, 0);
        assertThat(after).isNotDone();
        big.join().close();
        assertThat(after).isDone();
    }

    @Test
    void aRaisedLimitStartsWaitingVmsWhenPoked() {
        AtomicInteger limit = new AtomicInteger(1);
        VmAdmission a = new VmAdmission(limit::get, () -> 0);
        a.admit("esx1", "p", 1, 0);
        var waiting = a.admit("esx1", "p", 1, 0);
        assertThat(waiting).isNotDone();
        limit.set(2);
        a.poke();
        assertThat(waiting).isDone();
        assertThat(a.limit()).isEqualTo(2);
    }
}
