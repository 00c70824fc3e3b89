package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Departures on a test clock: the wait counts from the first sighting, whichever look saw the node missing first. */
class DepartedNodesTest {
    private final AtomicLong clock = new AtomicLong();
    private final DepartedNodes departed = new DepartedNodes(Duration.ofSeconds(30), clock::get);

    @Test
    void aNodeSeenMissingByALookupBeforeThePollWaitsFromThatLookup() {
        clock.set(seconds(100));
        assertThat(departed.withinWait("b")).as("missing, first seen now").isTrue();
        clock.set(seconds(101));
        assertThat(departed.update(List.of("a", "b"), List.of("a"))).as("the poll keeps the first sighting")
                .containsExactly("b");
        clock.set(seconds(129));
        assertThat(departed.withinWait("b")).isTrue();
        assertThat(departed.waitOver()).isEmpty();
        clock.set(seconds(130));
        assertThat(departed.withinWait("b")).isFalse();
        assertThat(departed.waitOver()).containsExactly("b");
        departed.settled("b");
        assertThat(departed.waitOver()).isEmpty();
    }

    @Test
    void aNodeBackAmongTheMembersStartsAfreshWhenItLeavesAgain() {
        departed.update(List.of("a", "b"), List.of("a"));
        clock.set(seconds(20));
        departed.update(List.of("a"), List.of("a", "b")); // merged back
        clock.set(seconds(40));
        assertThat(departed.update(List.of("a", "b"), List.of("a"))).containsExactly("b");
        clock.set(seconds(60));
        assertThat(departed.withinWait("b")).as("20 s after it left the second time").isTrue();
        assertThat(departed.waitOver()).isEmpty();
    }

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }
}
