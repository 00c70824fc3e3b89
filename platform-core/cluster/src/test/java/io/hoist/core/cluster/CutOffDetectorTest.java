package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.store.postgresql.LeaderLease;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a node counts as cut off from the leader, on a clock the test moves (seconds as nanoseconds). */
class CutOffDetectorTest {
    private static final long S = 1_000_000_000L;
    private static final LeaderLease.State A_LEADS = new LeaderLease.State(3, "node-a", true);

    private final CutOffDetector onB = new CutOffDetector("node-b", Duration.ofSeconds(10));

    @Test
    void aLeaderOutOfSightWhoseLeaseStaysValidLongerThanALeaseCutsTheNodeOff() {
        assertThat(onB.observe(0, A_LEADS, Set.of("node-a", "node-b"))).isNull();
        assertThat(onB.observe(1 * S, A_LEADS, Set.of("node-b"))).isNull();
        assertThat(onB.observe(11 * S, A_LEADS, Set.of("node-b"))).as("10 s out of sight: not more than a lease yet").isNull();
        assertThat(onB.observe(11 * S + 1, A_LEADS, Set.of("node-b"))).isEqualTo("node-a");
        assertThat(onB.observe(30 * S, A_LEADS, Set.of("node-b"))).isEqualTo("node-a");
        // the partition heals: in sight again, and a new stretch out of sight starts from zero
        assertThat(onB.observe(31 * S, A_LEADS, Set.of("node-a", "node-b"))).isNull();
        assertThat(onB.observe(32 * S, A_LEADS, Set.of("node-b"))).isNull();
        assertThat(onB.observe(40 * S, A_LEADS, Set.of("node-b"))).isNull();
    }

    @Test
    void aKilledLeaderWhoseLeaseLapsesDoesNotCutTheNodeOff() {
        // dropped from the members at 5 s, its unrenewed lease lapses by 10 s
        assertThat(onB.observe(5 * S, A_LEADS, Set.of("node-b"))).isNull();
        assertThat(onB.observe(9 * S, A_LEADS, Set.of("node-b"))).isNull();
        assertThat(onB.observe(10 * S, new LeaderLease.State(3, "node-a", false), Set.of("node-b"))).isNull();
        assertThat(onB.observe(30 * S, new LeaderLease.State(3, "node-a", false), Set.of("node-b"))).isNull();
        // node-b takes the lease itself: never cut off from itself
        assertThat(onB.observe(31 * S, new LeaderLease.State(4, "node-b", true), Set.of("node-b"))).isNull();
        assertThat(onB.observe(60 * S, new LeaderLease.State(4, "node-b", true), Set.of("node-b"))).isNull();
    }

    @Test
    void noLeaderAtAllIsNotBeingCutOff() {
        assertThat(onB.observe(0, new LeaderLease.State(0, "", false), Set.of("node-b"))).isNull();
        assertThat(onB.observe(60 * S, new LeaderLease.State(0, "", true), Set.of("node-b"))).isNull();
    }
}
