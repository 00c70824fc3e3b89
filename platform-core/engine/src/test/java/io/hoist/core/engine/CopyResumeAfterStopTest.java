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
import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
            // Stop once vm-0 has a checkpoint with blocks in it, not at a share of its progress: eight copy workers
            // take blocks side by side (and holes count as done at once), so 20 MiB can be done before any leading
            // block is whole and recorded; under load the restarted engine then had nothing to resume from.
            EngineHarness.await(Duration.ofMinutes(3), () -> mibCopied(h.get(ResourceKind.PLAN, "plan1"), "vm-0") >= 20
                    && checkpointedBlocks(tmp.resolve("data").resolve("checkpoints"), "vm-0") > 0,
                    "vm-0 has copied 20 of its 32 MiB and checkpointed a block");
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

    /** Blocks recorded in the checkpoint files of {@code vmId}'s disks (a file is named by its sanitised key). */
    static int checkpointedBlocks(Path checkpoints, String vmId) {
        try (var files = Files.list(checkpoints)) {
            int blocks = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().contains(vmId) && f.toString().endsWith(".ckpt")).toList()) {
                String key = f.getFileName().toString().replaceFirst("\\.ckpt$", "");
                blocks += new FileCheckpointStore(checkpoints).load(key)
                        .map(Checkpoint::blocksDone).orElse(0);
            }
            return blocks;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
