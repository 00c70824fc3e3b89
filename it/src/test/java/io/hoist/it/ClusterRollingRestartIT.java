package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes migrate 6 OVA VMs of 16 MiB disks (5.5 MiB of data each) while each
 * node in turn is stopped with SIGTERM and started again, the worker first, then the leader, each restart waiting until
 * the node serves again. The nodes' bandwidth is capped ({@value #NODE_MIBPS} MiB/s each, one disk at a time), so the
 * migration lasts minutes with little data to write and compare: the leader alone needs over 2 minutes for what is
 * left when the worker restarts, longer than a JVM restart took on a 2-core machine at a load average of 30. The migration completes: every target disk equal to its
 * source, exactly one target VM per source VM. Both restarts must begin while the migration runs (the test fails if it
 * ended first).
 */
class ClusterRollingRestartIT {
    private static final String NODE_MIBPS = "0.25";

    @Test
    void aMigrationCompletesWhileEveryNodeIsRestartedInTurn(@TempDir Path tmp) throws Exception {
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp,
                name -> List.of("--node-max-disks", "1", "--node-bandwidth-mibps", NODE_MIBPS))) {
            ClusterTestNodes.Migration m = nodes.migrateUntilTheWorkerCopies("rolling", 6, 16, 4242L, 0x50);
            List<String> log = new ArrayList<>();
            log.add("placed " + m.placedOnStart());

            // the worker first (the leader keeps the lease), then the leader (the lease passes to the restarted worker)
            for (String name : List.of(m.worker(), m.leader())) {
                ApiClient other = nodes.node(ClusterTestNodes.other(name)).client();
                JsonNode before = other.get(ResourceKind.PLAN, m.ns(), "rolling");
                assertThat(CrashResumeIT.isTrue(before, "Succeeded") || CrashResumeIT.isTrue(before, "Failed"))
                        .as("the migration still runs when " + name + " is restarted: " + before.path("status")).isFalse();
                long began = System.nanoTime();
                nodes.restart(name);
                log.add(name + " restarted in " + (System.nanoTime() - began) / 1_000_000 + " ms, then placed "
                        + ClusterWorkerKillIT.placements(other.get(ResourceKind.PLAN, m.ns(), "rolling")));
            }
            String leaderAfter = nodes.leaderName();

            JsonNode plan = ClusterTestNodes.awaitEnd(nodes.node(leaderAfter).client(), m.ns(), "rolling");
            System.out.println("ClusterRollingRestartIT: leader " + m.leader() + " then " + leaderAfter + "; " + log
                    + "; at the end " + ClusterWorkerKillIT.placements(plan));
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            m.vms().assertMigratedOnceEach(m.target());
        }
    }
}
