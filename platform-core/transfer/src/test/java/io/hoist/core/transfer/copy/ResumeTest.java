package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.transfer.checkpoint.Checkpoint;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.DiskChecksum;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.CrashingAfterBytesTestReader;
import io.hoist.core.transfer.testing.Images;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    private static final long SIZE = 64L * 1024 * 1024 + 12345;
    private static final CopyOptions OPTS = CopyOptions.DEFAULT.withInFlight(3)
            .withCheckpointEvery(Duration.ZERO).withProgressEvery(Duration.ofMillis(5))
            .withRetries(1, 0, Duration.ofMillis(1), Duration.ofMillis(1));

    @TempDir
    Path dir;

    @Test
    void restartedCopyContinuesFromTheLastCheckpointWithAWholeDiskChecksum() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 31); // dense, so every block is read
        Path dst = dir.resolve("dst.img");
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));

        try (var crashing = new CrashingAfterBytesTestReader(new FileDiskReader(src), SIZE / 2);
             var w = FileDiskWriter.open(dst, SIZE)) {
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("vm1/disk0", crashing, w)
                    .checkpoints(store).options(OPTS).build()))
                    .isInstanceOf(CopyFailedException.class)
                    .hasMessageContaining("source host went away");
        }
        Optional<Checkpoint> saved = new FileCheckpointStore(dir.resolve("ckpt")).load("vm1/disk0");
        assertThat(saved).isPresent();
        int blocksDone = saved.get().blocksDone();
        assertThat(blocksDone).isGreaterThan(0).isLessThan((int) DiskChecksum.blockCount(SIZE));

        // A new process: fresh store object, writer reopening the existing target.
        try (var counting = new CrashingAfterBytesTestReader(new FileDiskReader(src), Long.MAX_VALUE);
             var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("vm1/disk0", counting, w)
                    .checkpoints(new FileCheckpointStore(dir.resolve("ckpt"))).options(OPTS).build());
            long resumed = (long) blocksDone * DiskChecksum.BLOCK_SIZE;
            assertThat(result.resumedFrom()).isEqualTo(resumed);
            assertThat(counting.served()).isEqualTo(SIZE - resumed);
            String reference = Images.referenceChecksum(src);
            assertThat(result.sourceChecksum()).isEqualTo(reference);
            assertThat(result.targetChecksum()).isEqualTo(reference);
        }
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void checkpointForAnotherTargetIsNotResumed() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 32);
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));
        try (var crashing = new CrashingAfterBytesTestReader(new FileDiskReader(src), SIZE / 2);
             var w = FileDiskWriter.open(dir.resolve("a.img"), SIZE)) {
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("d", crashing, w).checkpoints(store).options(OPTS).build()))
                    .isInstanceOf(CopyFailedException.class);
        }
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("b.img"), SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("d", r, w).checkpoints(store).options(OPTS).build());
            assertThat(result.resumedFrom()).isZero();
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(src));
        }
    }
}
