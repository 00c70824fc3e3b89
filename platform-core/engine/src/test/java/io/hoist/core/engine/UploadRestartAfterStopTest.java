package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.assertDiskEquals;
import static io.hoist.core.engine.EngineMigrationTest.migration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads cannot resume (CDI's upload proxy takes a disk as one request from byte 0): an engine stopped in the middle
 * of copies to streaming targets, then started again (as a surviving node takes a dead node's VMs from the store),
 * uploads the part-copied disk again from byte 0, and that disk's task says so and why in its warning. Same shape and
 * cost as {@link CopyResumeAfterStopTest} (a plan slowed to 8 MiB/s so the stop lands mid-copy), which shows the
 * opposite for file targets.
 */
class UploadRestartAfterStopTest {
    private static final long DISK = 32L << 20;

    @Test
    void stoppedMidUploadTheNextEngineUploadsAgainFromByteZeroAndTheTaskSaysWhy(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        String slow = CopyResumeAfterStopTest.slowPlan();
        FolderDestinationTestDouble before = new FolderDestinationTestDouble(tmp.resolve("out"));
        before.streamingWriters = true;
        EngineHarness h = new EngineHarness(tmp, source, before);
        try {
            h.apply(slow);
            EngineHarness.await(Duration.ofMinutes(2), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofMinutes(3), () -> CopyResumeAfterStopTest.mibCopied(h.get(ResourceKind.PLAN, "plan1"), "vm-0") >= 12,
                    "vm-0 has uploaded 12 of its 32 MiB");
            assertThat(warnings(h.get(ResourceKind.PLAN, "plan1"), "vm-0")).as("a first attempt restarts nothing").isEmpty();
        } finally {
            h.close();
        }
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        dest.streamingWriters = true;
        try (EngineHarness again = new EngineHarness(tmp, source, dest)) {
            EngineHarness.await(Duration.ofMinutes(5), () -> Conditions.isTrue(again.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded after the restart");
            JsonNode plan = again.get(ResourceKind.PLAN, "plan1");
            assertThat(warnings(plan, "vm-0")).as("vm-0's disk task says its upload started again and why").singleElement()
                    .asString().contains("disk-0").contains("starts again from byte 0")
                    .containsPattern("an earlier attempt had sent \\d+ of " + DISK + " bytes")
                    .contains("an upload cannot be resumed");
            for (String vm : new String[] {"vm-0", "vm-1", "vm-2"}) {
                FolderDestinationTestDouble allocatedBy = dest.allocatedFiles.containsKey("migrated/" + vm + "/disk-0") ? dest : before;
                assertDiskEquals(allocatedBy.diskFileOf("migrated", vm, "disk-0"), source, vm, "disk-0", DISK);
            }
        }
    }

    private static java.util.List<String> warnings(JsonNode plan, String vmId) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (vmId.equals(vm.path("id").asText())) {
                for (JsonNode step : vm.path("pipeline")) {
                    for (JsonNode task : step.path("tasks")) {
                        task.path("warning").path("reasons").forEach(r -> out.add(r.asText()));
                    }
                }
            }
        }
        return out;
    }
}
