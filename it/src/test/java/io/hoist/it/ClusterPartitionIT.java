package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes, each in a network namespace of its own, migrate 4 OVA VMs; while
 * the worker (the node that does not lead) copies, it is cut off from the leader (iptables in its namespace: no
 * Hazelcast, no event bus) but still reaches PostgreSQL. It must stop its runs before the leader runs any of them:
 * its "stopped its VM runs" log line comes before any of its VMs is placed on the leader, and from then on it holds no
 * file of the target folder open. The network is healed once its VMs moved; the migration completes with every target
 * disk equal to its source and one target VM per source VM, and the worker takes runs again. Fails naming
 * {@code ip}/{@code iptables} when they are missing; the namespaces are removed even when the test fails.
 */
class ClusterPartitionIT {
    @Test
    void aWorkerCutOffFromTheLeaderStopsItsRunsBeforeTheyArePlacedElsewhere(@TempDir Path tmp) throws Exception {
        try (ClusterTestNodes nodes = ClusterTestNodes.startInNamespaces(tmp, name -> ClusterTestNodes.SLOW_NODES)) {
            try {
                cutAndHeal(nodes);
            } finally {
                ClusterTestNodes.keepLogs(tmp, "ClusterPartitionIT"); // the temp folder goes with the test: the nodes' logs say what happened (and when)
            }
        }
    }

    private static void cutAndHeal(ClusterTestNodes nodes) throws Exception {
            ClusterTestNodes.Migration m = nodes.migrateUntilTheWorkerCopies("cut", 4, 48, 31337L, 0x60);
            String leaderName = m.leader();
            String workerName = m.worker();
            ApiClient api = nodes.node(leaderName).client();
            String ns = m.ns();
            Path target = m.target();
            Map<String, String> placedBefore = m.placedOnStart();
            List<String> workersVms = new ArrayList<>();
            placedBefore.forEach((vm, node) -> {
                if (node.equals(workerName)) {
                    workersVms.add(vm);
                }
            });

            CrashResumeIT.Child worker = nodes.node(workerName);
            Path workerLog = worker.data().resolve("child.log");
            long logStart = Files.size(workerLog);
            long cutAt = System.nanoTime();
            nodes.network().cut(workerName);

            // watch until every VM the worker had and did not finish runs on the leader
            long stoppedAt = -1;
            Map<String, Long> movedAt = new HashMap<>();
            long end = cutAt + 240_000_000_000L;
            JsonNode plan = api.get(ResourceKind.PLAN, ns, "cut");
            while (true) {
                if (stoppedAt < 0 && newLines(workerLog, logStart).contains("stopped its VM runs")) {
                    stoppedAt = System.nanoTime();
                }
                if (stoppedAt >= 0) {
                    assertThat(openTargetFiles(worker.process().pid(), target)).as("files of the target folder the cut-off "
                            + workerName + " holds open after it stopped its runs").isEmpty();
                }
                Map<String, String> placed = ClusterWorkerKillIT.placements(plan);
                for (String vm : workersVms) {
                    if (leaderName.equals(placed.get(vm)) && !movedAt.containsKey(vm)) {
                        movedAt.put(vm, System.nanoTime());
                        assertThat(stoppedAt).as(vm + " was placed on " + leaderName + " before the cut-off " + workerName
                                + " stopped its runs").isPositive();
                    }
                }
                JsonNode seen = plan;
                if (workersVms.stream().allMatch(vm -> movedAt.containsKey(vm) || done(seen, vm))) {
                    break;
                }
                assertThat(CrashResumeIT.isTrue(plan, "Failed")).as("plan status: " + plan.path("status")).isFalse();
                assertThat(System.nanoTime()).as("the worker's VMs " + workersVms + " placed on " + leaderName
                        + "; moved " + movedAt.keySet() + ", placements " + placed).isLessThan(end);
                Thread.sleep(200);
                plan = api.get(ResourceKind.PLAN, ns, "cut");
            }
            assertThat(movedAt).as("VMs of the cut-off worker run again on the leader (else the test proved nothing)")
                    .isNotEmpty();

            nodes.network().heal(workerName);
            plan = ClusterTestNodes.awaitEnd(api, ns, "cut");
            System.out.println("ClusterPartitionIT: leader " + leaderName + ", before the cut " + placedBefore
                    + "; the worker stopped its runs " + (stoppedAt - cutAt) / 1_000_000 + " ms after the cut, its VMs moved "
                    + movedAt.entrySet().stream().map(e -> e.getKey() + " at " + (e.getValue() - cutAt) / 1_000_000 + " ms").toList()
                    + "; at the end " + ClusterWorkerKillIT.placements(plan));
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            m.vms().assertMigratedOnceEach(target);
            awaitLogLine(workerLog, logStart, "takes VM runs again");
    }

    /** Whether the VM's entry says it completed (it may have finished on the worker before the cut took effect). */
    private static boolean done(JsonNode plan, String vm) {
        for (JsonNode v : plan.path("status").path("migration").path("vms")) {
            if (vm.equals(v.path("name").asText()) && !v.path("completed").isMissingNode()) {
                return true;
            }
        }
        return false;
    }

    private static String newLines(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from));
    }

    private static void awaitLogLine(Path log, long from, String line) throws Exception {
        long end = System.nanoTime() + 120_000_000_000L;
        while (!newLines(log, from).contains(line)) {
            assertThat(System.nanoTime()).as("'" + line + "' in " + log + " within 2 minutes of the heal").isLessThan(end);
            Thread.sleep(500);
        }
    }

    /** The files under {@code dir} that process {@code pid} has open now (from {@code /proc/PID/fd}). */
    private static List<Path> openTargetFiles(long pid, Path dir) throws IOException {
        List<Path> open = new ArrayList<>();
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        try (Stream<Path> list = Files.list(fds)) {
            for (Path fd : list.toList()) {
                try {
                    Path to = Files.readSymbolicLink(fd);
                    if (to.startsWith(dir)) {
                        open.add(to);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between the listing and the read
                }
            }
        }
        return open;
    }
}
