package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes on one PostgreSQL migrate 4 OVA VMs: the leader places them on
 * both nodes (each node copies one disk at a time, capped at 16 MiB/s, so the copies last seconds), and the node that
 * does not lead is killed with SIGKILL while it copies. Its VMs must finish on the surviving node, every target disk
 * equal to its source, exactly one target VM per source VM. Costs about a minute (two JVM starts, the copies, the
 * 5 s until the cluster drops the killed member).
 */
class ClusterWorkerKillIT {
    static final int VMS = 4;
    static final long SEED = 20261204L;

    @Test
    void aWorkerKilledMidCopyHasItsVmsFinishedByAnotherNode(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        MigrationSetup.OvaVms vms = MigrationSetup.OvaVms.build(tmp, "spread-vm", VMS, SEED, 0x20);
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp, name -> NODE_CAPACITY)) {
            String leaderName = nodes.leaderName();
            String workerName = ClusterTestNodes.other(leaderName);
            CrashResumeIT.Child worker = nodes.node(workerName);
            ApiClient api = nodes.node(leaderName).client();
            String ns = "spread";
            MigrationSetup.ovaToFolder(api, ns, vms.dir(), target, "spread", vms.names());

            // both nodes run VMs; the worker is killed while one of its VMs copies
            long end = System.nanoTime() + 300_000_000_000L;
            Map<String, String> placedBeforeKill;
            while (true) {
                JsonNode plan = api.get(ResourceKind.PLAN, ns, "spread");
                placedBeforeKill = placements(plan);
                if (new HashSet<>(placedBeforeKill.values()).size() == 2 && copying(plan, workerName)) {
                    break;
                }
                assertThat(CrashResumeIT.isTrue(plan, "Succeeded") || CrashResumeIT.isTrue(plan, "Failed"))
                        .as("the plan ended before the worker copied: " + placedBeforeKill).isFalse();
                assertThat(System.nanoTime()).as("VMs on both nodes, one copying on " + workerName + ": " + placedBeforeKill)
                        .isLessThan(end);
                Thread.sleep(100);
            }
            worker.kill();
            Set<String> workersVms = new HashSet<>();
            placedBeforeKill.forEach((vm, node) -> {
                if (node.equals(workerName)) {
                    workersVms.add(vm);
                }
            });

            JsonNode plan = api.get(ResourceKind.PLAN, ns, "spread");
            while (!CrashResumeIT.isTrue(plan, "Succeeded") && !CrashResumeIT.isTrue(plan, "Failed")) {
                assertThat(System.nanoTime()).as("migration ended: " + plan.path("status")).isLessThan(end);
                Thread.sleep(300);
                plan = api.get(ResourceKind.PLAN, ns, "spread");
            }
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            Map<String, String> placedAtEnd = placements(plan);
            System.out.println("ClusterWorkerKillIT: leader " + leaderName + ", before the kill " + placedBeforeKill
                    + ", at the end " + placedAtEnd);
            assertThat(workersVms).as("VMs the killed worker had").isNotEmpty();
            for (String vm : workersVms) {
                assertThat(placedAtEnd.get(vm)).as("node of " + vm + " after its worker was killed").isEqualTo(leaderName);
            }
            vms.assertMigratedOnceEach(target);
        }
    }

    /** The test clusters' node capacity: one disk at a time, 16 MiB/s, so a 48 MiB copy lasts seconds. */
    static final List<String> NODE_CAPACITY = List.of("--node-max-disks", "1", "--node-bandwidth-mibps", "16");

    /** VM name to the node its Placed condition names. */
    static Map<String, String> placements(JsonNode plan) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode c : vm.path("conditions")) {
                if ("Placed".equals(c.path("type").asText())) {
                    String msg = c.path("message").asText();
                    out.put(vm.path("name").asText(), msg.substring(msg.lastIndexOf(' ') + 1));
                }
            }
        }
        return out;
    }

    /** Whether a VM placed on {@code node} (any node: null) is in its disk transfer, partly copied. */
    static boolean copying(JsonNode plan, String node) {
        Map<String, String> placed = placements(plan);
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            String on = placed.get(vm.path("name").asText());
            if (on == null || node != null && !node.equals(on)) {
                continue;
            }
            for (JsonNode step : vm.path("pipeline")) {
                if ("DiskTransfer".equals(step.path("name").asText()) && step.path("completed").isMissingNode()
                        && step.path("progress").path("completed").asLong() > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
