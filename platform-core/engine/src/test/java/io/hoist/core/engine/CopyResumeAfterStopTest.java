package io.hoist.core.engine;

import static io.hoist.core.engine.EngineMigrationTest.assertDiskEquals;
import static io.hoist.core.engine.EngineMigrationTest.manifests;
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
 * An engine stopped in the middle of its disk copies resumes them: the restarted engine sends the copy rounds on the
 * bus again and each disk continues from its checkpoint (the source reads less than every disk again), and every
 * target byte matches the source.
 */
class CopyResumeAfterStopTest {
    private static final long DISK = 32L << 20;
    /** The bytes of a disk the source reads: the synthetic disk's every fourth MiB is a hole. */
    private static final long DATA = 24L << 20;

    @Test
    void stoppedMidCopyTheNextEngineResumesFromTheCheckpoints(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, DISK, 1, true);
        String slow = slowPlan();
        FolderDestinationTestDouble before = new FolderDestinationTestDouble(tmp.resolve("out"));
        EngineHarness h = new EngineHarness(tmp, source, before);
        try {
            h.apply(slow);
            EngineHarness.await(Duration.ofMinutes(2), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan1"), "Ready"), "plan Ready");
            h.apply(migration(null));
            EngineHarness.await(Duration.ofMinutes(3), () -> mibCopied(h.get(ResourceKind.PLAN, "plan1"), "vm-0") >= 20,
                    "vm-0 has copied 20 of its 32 MiB");
        } finally {
            h.close();
        }
        long readBefore = source.bytesRead.get();
        assertThat(readBefore).as("read before the stop").isLessThan(3 * DISK);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        try (EngineHarness again = new EngineHarness(tmp, source, dest)) {
            EngineHarness.await(Duration.ofMinutes(5), () -> Conditions.isTrue(again.get(ResourceKind.PLAN, "plan1"), "Succeeded"),
                    "plan Succeeded after the restart");
            long readAfter = source.bytesRead.get() - readBefore;
            System.out.printf("read before the stop %d MiB, after %d MiB, of %d MiB%n", readBefore >> 20, readAfter >> 20, (3 * DISK) >> 20);
            // Each disk holds 24 MiB of data (every fourth MiB is a hole, never read): copying all three again reads
            // 72 MiB. vm-0 had 20 MiB done, checkpointed every 2 s: at least one 4 MiB checksum block is not read again.
            assertThat(readAfter).as("bytes read after the restart").isLessThanOrEqualTo(DATA * 3 - (4L << 20));
            for (String vm : new String[] {"vm-0", "vm-1", "vm-2"}) {
                FolderDestinationTestDouble allocatedBy = dest.allocatedFiles.containsKey("migrated/" + vm + "/disk-0") ? dest : before;
                assertDiskEquals(allocatedBy.diskFileOf("migrated", vm, "disk-0"), source, vm, "disk-0", DISK);
            }
        }
    }

    /** The cold plan at 8 MiB/s: the copies take seconds, long enough to stop the engine in the middle of them. */
    static String slowPlan() {
        return manifests("cold", null).replace("metadata: {name: plan1, namespace: default}",
                "metadata: {name: plan1, namespace: default, annotations: {hoist.io/bandwidth-mibps: \"8\"}}");
    }

    /** MiB of {@code vmId}'s DiskTransfer step done, as its entry in the plan says. */
    static long mibCopied(JsonNode plan, String vmId) {
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            if (vmId.equals(vm.path("id").asText())) {
                for (JsonNode step : vm.path("pipeline")) {
                    if ("DiskTransfer".equals(step.path("name").asText())) {
                        return step.path("progress").path("completed").asLong();
                    }
                }
            }
        }
        return 0;
    }
}
