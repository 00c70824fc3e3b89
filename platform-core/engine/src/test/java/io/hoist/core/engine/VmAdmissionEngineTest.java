package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTV's plan scheduler: a VM starts only when its host has room for its disks ({@code controller_max_vm_inflight}),
 * so a VM waiting for its turn has not touched its source (still powered on) and shows the Pending condition at its
 * first phase; the next VM starts when one ends its copy.
 */
class VmAdmissionEngineTest {
    /** Phases of a VM that holds its place: started, first copy not yet over. */
    private static final Set<String> PLACED = Set.of("StorePowerState", "PowerOffSource", "AllocateDisks", "CopyDisks");

    @Test
    void vmsBeyondTheLimitWaitBeforeTheirFirstPhaseWithTheirSourceUntouched(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(4, 1, EngineMigrationTest.DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(EngineMigrationTest.manifests("cold", null)
                    .replace("vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", "vms: [{id: vm-0}, {id: vm-1}, {id: vm-2}, {id: vm-3}]")
                    .replace("controller_max_vm_inflight: 2", "controller_max_vm_inflight: 1")
                    // 4 MiB/s: each 6 MiB copy lasts over a second, so the waiting VMs are seen waiting
                    .replace("metadata: {name: plan1, namespace: default}",
                            "metadata: {name: plan1, namespace: default, annotations: {hoist.io/bandwidth-mibps: \"4\"}}"));
            EngineHarness.await(Duration.ofMinutes(2), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(EngineMigrationTest.migration(null));
            int mostPlaced = 0;
            int waitingSeen = 0;
            List<String> violations = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Succeeded")) {
                assertThat(System.nanoTime()).as("plan Succeeded within 5 minutes").isLessThan(end);
                int placed = 0;
                for (JsonNode vm : h.get(ResourceKind.PLAN, "plan1").path("status").path("migration").path("vms")) {
                    String phase = vm.path("phase").asText();
                    if (PLACED.contains(phase) && !vm.has("completed")) {
                        placed++;
                    }
                    for (JsonNode c : vm.path("conditions")) {
                        if ("Pending".equals(c.path("type").asText())
                                && c.path("message").asText().equals("waiting: in-flight limit reached (max 1)")) {
                            waitingSeen++;
                            if (!"Started".equals(phase)) {
                                violations.add(vm.path("id").asText() + " waits in " + phase);
                            }
                        }
                    }
                }
                mostPlaced = Math.max(mostPlaced, placed);
                Thread.sleep(50);
            }
            assertThat(violations).as("a waiting VM has not started its phases (its source is untouched)").isEmpty();
            assertThat(waitingSeen).as("VMs were seen waiting for their place").isPositive();
            assertThat(mostPlaced).as("VMs between their start and the end of their copy, at most").isEqualTo(1);
            assertThat(source.powerOffs.get()).isEqualTo(4);
            for (String id : List.of("vm-0", "vm-1", "vm-2", "vm-3")) {
                EngineMigrationTest.assertDiskEquals(dest.diskFileOf("migrated", id, "disk-0"), source, id, "disk-0");
            }
            assertThat(EngineMigrationTest.pendingMessages(h)).as("no VM still pending").isEmpty();
            assertThat(h.engine.admission().waiting()).isZero();
            assertThat(h.engine.admission().inFlight(h.get(ResourceKind.PROVIDER, "src").path("metadata").path("uid").asText()
                    + "/host-0")).as("every place given back").isZero();
        }
    }
}
