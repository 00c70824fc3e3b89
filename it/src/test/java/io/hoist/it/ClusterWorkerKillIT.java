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
 * both nodes (each node copies one disk at a time, capped at 2 MiB/s, so a 48 MiB disk's 16.5 MiB of data take 8 s),
 * and the node that does not lead is killed with SIGKILL once a copy of its has a checkpoint in the shared store (read
 * there: progress alone says too early, as hole blocks finish at once and data blocks in flight share the bandwidth). Its VMs must finish on
 * the surviving node, the partly copied disk resumed from the checkpoint the killed node left in the store (the
 * survivor copies fewer bytes than the disk holds, where a fresh copy copies them all), every target disk equal to
 * its source, exactly one target VM per source VM, every VM's entry naming its node ({@code Placed}). Costs 2-4
 * minutes on a loaded 2-core machine (two JVM starts, the capped copies, the 5 s until the cluster drops the killed
 * member).
 */
class ClusterWorkerKillIT {
    static final int VMS = 4;
    static final long SEED = 20261204L;

    @Test
    void aWorkerKilledMidCopyHasItsVmsFinishedByAnotherNode(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        MigrationSetup.OvaVms vms = MigrationSetup.OvaVms.build(tmp, "spread-vm", VMS, SEED, 0x20);
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp, name -> RESUMABLE_CAPACITY)) {
            try {
                killAndResume(nodes, tmp, target, vms);
            } finally {
                ClusterTestNodes.keepLogs(tmp, "ClusterWorkerKillIT");
            }
        }
    }

    private static void killAndResume(ClusterTestNodes nodes, Path tmp, Path target, MigrationSetup.OvaVms vms) throws Exception {
        {
            String leaderName = nodes.leaderName();
            String workerName = ClusterTestNodes.other(leaderName);
            CrashResumeIT.Child worker = nodes.node(workerName);
            ApiClient api = nodes.node(leaderName).client();
            String ns = "spread";
            MigrationSetup.ovaToFolder(api, ns, vms.dir(), target, "spread", vms.names());

            // both nodes run VMs; the worker is killed while one of its VMs copies
            long end = System.nanoTime() + 300_000_000_000L;
            Map<String, String> placedBeforeKill;
            String partlyCopiedVm;
            Set<String> finishedBeforeKill;
            while (true) {
                JsonNode plan = api.get(ResourceKind.PLAN, ns, "spread");
                placedBeforeKill = placements(plan);
                String copyingOnWorker = partlyCopied(plan, workerName);
                // killed only once the copy's checkpoint is in the store: the 8 copy workers take blocks side by side,
                // so a quarter of the bytes can be on the target before any leading block is whole and recorded
                if (new HashSet<>(placedBeforeKill.values()).size() == 2 && copyingOnWorker != null
                        && nodes.checkpointedBlocks(vmId(plan, copyingOnWorker)) > 0) {
                    partlyCopiedVm = copyingOnWorker;
                    finishedBeforeKill = finished(plan);
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
                if (!finishedBeforeKill.contains(vm)) { // a VM the worker had finished stays its own
                    assertThat(placedAtEnd.get(vm)).as("node of " + vm + " after its worker was killed").isEqualTo(leaderName);
                }
            }
            vms.assertMigratedOnceEach(target);

            // every VM names the node that ran it, the early ones included
            assertThat(placedAtEnd.keySet()).as("VMs with a Placed condition").containsExactlyInAnyOrderElementsOf(vms.names());
            // the partly copied disk went on from the killed node's checkpoint: the survivor copied less than the disk
            Map<String, Long> copied = bytesCopied(plan);
            System.out.println("ClusterWorkerKillIT: killed while " + partlyCopiedVm + " copied; bytes copied by the node"
                    + " that finished each VM: " + copied);
            // (0 when the killed node had copied the whole disk but not yet recorded it: resumed from its last checkpoint)
            assertThat(copied.get(partlyCopiedVm)).as("bytes the survivor copied of " + partlyCopiedVm + "'s disk")
                    .isNotNegative().isLessThan(DISK_BYTES);
            for (String vm : vms.names()) {
                if (!workersVms.contains(vm)) {
                    assertThat(copied.get(vm)).as("bytes copied of " + vm + ", never moved (a copy from the start)")
                            .isEqualTo(DISK_BYTES);
                }
            }
            String survivorLog = Files.readString(nodes.node(leaderName).data().resolve("child.log"));
            assertThat(survivorLog).as("the survivor's log").contains("resumed from a checkpoint at");
        }
    }

    /** The id of the VM named {@code name} in the plan's status. */
    static String vmId(JsonNode plan, String name) {
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (name.equals(vm.path("name").asText())) {
                return vm.path("id").asText();
            }
        }
        throw new AssertionError("no VM " + name + " in the plan's status");
    }

    /** The VMs whose entries say their run ended. */
    static Set<String> finished(JsonNode plan) {
        Set<String> out = new HashSet<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (!vm.path("completed").isMissingNode() && !vm.path("completed").isNull()) {
                out.add(vm.path("name").asText());
            }
        }
        return out;
    }

    /** Each test VM's one disk: 48 MiB (MigrationSetup.OvaVms). */
    static final long DISK_BYTES = 48L << 20;

    /** One disk at a time, 2 MiB/s: a disk's 16.5 MiB of data take 8 s, leaving seconds between its first checkpoint and its end. */
    static final List<String> RESUMABLE_CAPACITY = List.of("--node-max-disks", "1", "--node-bandwidth-mibps", "2");

    /** The VM placed on {@code node} whose disk transfer is running and past a quarter of its bytes, or null. */
    static String partlyCopied(JsonNode plan, String node) {
        Map<String, String> placed = placements(plan);
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (!node.equals(placed.get(vm.path("name").asText()))) {
                continue;
            }
            for (JsonNode step : vm.path("pipeline")) {
                JsonNode progress = step.path("progress");
                if ("DiskTransfer".equals(step.path("name").asText()) && step.path("completed").isMissingNode()
                        && progress.path("total").asLong() > 0
                        && progress.path("completed").asLong() * 4 >= progress.path("total").asLong()) {
                    return vm.path("name").asText();
                }
            }
        }
        return null;
    }

    /** VM name to the bytes its disk's copy moved, as the task's {@code hoist.io/bytes-copied} annotation says. */
    static Map<String, Long> bytesCopied(JsonNode plan) {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode step : vm.path("pipeline")) {
                if ("DiskTransfer".equals(step.path("name").asText())) {
                    for (JsonNode task : step.path("tasks")) {
                        out.merge(vm.path("name").asText(), task.path("annotations").path("hoist.io/bytes-copied").asLong(), Long::sum);
                    }
                }
            }
        }
        return out;
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
