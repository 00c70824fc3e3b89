package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes on one PostgreSQL migrate 4 OVA VMs of one source (one source host
 * key: the OVA provider's) with {@code controller_max_vm_inflight: 1}, each node able to copy 2 disks at once: the
 * host's limit holds across both nodes, so no two VMs copy at the same time although both nodes run VMs. Each node
 * copies at 4 MiB/s, so a 48 MiB disk takes 12 s and the nodes' copies would overlap if counted per node (with that
 * count switched off, two VMs were seen copying at once). About 3 minutes on a loaded machine.
 */
class ClusterHostLimitIT {
    static final int VMS = 4;

    @Test
    void aSourceHostsInFlightLimitHoldsAcrossNodes(@TempDir Path tmp) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        MigrationSetup.OvaVms vms = MigrationSetup.OvaVms.build(tmp, "limit-vm", VMS, 20261205L, 0x31);
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp,
                name -> List.of("--node-max-disks", "2", "--node-bandwidth-mibps", "4"))) {
            ApiClient api = nodes.node(nodes.leaderName()).client();
            String ns = "limit";
            MigrationSetup.ovaToFolder(api, ns, vms.dir(), target, "limit", vms.names(), "controller_max_vm_inflight: 1");

            long end = System.nanoTime() + 300_000_000_000L;
            int most = 0;
            Set<String> nodesSeen = new HashSet<>();
            JsonNode plan = api.get(ResourceKind.PLAN, ns, "limit");
            while (!CrashResumeIT.isTrue(plan, "Succeeded") && !CrashResumeIT.isTrue(plan, "Failed")) {
                assertThat(System.nanoTime()).as("migration ended: " + plan.path("status")).isLessThan(end);
                Set<String> copying = copyingNow(plan);
                most = Math.max(most, copying.size());
                assertThat(copying).as("VMs copying at once from the one source host").hasSizeLessThanOrEqualTo(1);
                nodesSeen.addAll(ClusterWorkerKillIT.placements(plan).values());
                Thread.sleep(100);
                plan = api.get(ResourceKind.PLAN, ns, "limit");
            }
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            Map<String, String> placed = ClusterWorkerKillIT.placements(plan);
            nodesSeen.addAll(placed.values());
            System.out.println("ClusterHostLimitIT: most VMs copying at once " + most + ", placed " + placed);
            assertThat(most).as("a copy was seen").isEqualTo(1);
            assertThat(nodesSeen).as("nodes that ran VMs").hasSize(2);
            vms.assertMigratedOnceEach(target);
        }
    }

    /** The VMs in their disk transfer now: started (some bytes copied) and not completed. */
    private static Set<String> copyingNow(JsonNode plan) {
        Set<String> out = new HashSet<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode step : vm.path("pipeline")) {
                if ("DiskTransfer".equals(step.path("name").asText()) && step.path("completed").isMissingNode()
                        && step.path("progress").path("completed").asLong() > 0) {
                    out.add(vm.path("name").asText());
                }
            }
        }
        return out;
    }
}
