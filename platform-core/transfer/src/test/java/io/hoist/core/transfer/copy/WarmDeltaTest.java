package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.checksum.DiskChecksum;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.Images;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmDeltaTest {
    private static final long SIZE = 32L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void deltaCopiesOnlyChangedBlocksAndKeepsAWholeDiskChecksum() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 41); // dense: every changed block is read whole
        Path dst = dir.resolve("dst.img");
        CopyResult full;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            full = DiskCopier.copy(CopyRequest.builder("warm", r, w).build());
        }
        // The guest writes 100 bytes at 9 MiB and zeroes 1 MiB at 20 MiB (changed-block tracking reports both).
        long changedAt = 9L * 1024 * 1024;
        long zeroedAt = 20L * 1024 * 1024;
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
            f.seek(changedAt);
            f.write(Images.randomBytes(100, 5));
            f.seek(zeroedAt);
            f.write(new byte[1024 * 1024]);
        }
        List<Extent> changed = List.of(Extent.data(changedAt, 100), Extent.data(zeroedAt, 1024 * 1024));
        CopyResult delta;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            delta = DiskCopier.copy(CopyRequest.builder("warm-1", r, w).changedAreas(changed, full.targetDigests()).build());
        }
        assertThat(delta.bytesRead()).isEqualTo(2L * DiskChecksum.BLOCK_SIZE); // two whole 4 MiB blocks
        assertThat(delta.bytesUnchanged()).isEqualTo(SIZE - 2L * DiskChecksum.BLOCK_SIZE);
        String reference = Images.referenceChecksum(src);
        assertThat(delta.sourceChecksum()).isEqualTo(reference).isNotEqualTo(full.sourceChecksum());
        assertThat(delta.targetChecksum()).isEqualTo(reference);
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void deltaWithoutBaselineIsRefusedNamingTheField() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 2, 42);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("d.img"), SIZE)) {
            assertThatThrownBy(() -> CopyRequest.builder("x", r, w).changedAreas(List.of(Extent.data(0, 1)), null).build())
                    .isInstanceOf(CopyFailedException.class)
                    .hasMessageContaining("changedAreas needs the previous pass's digests (baseline)");
        }
    }
}
