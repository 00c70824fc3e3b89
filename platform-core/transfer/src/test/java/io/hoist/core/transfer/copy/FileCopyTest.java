package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TransferProgress;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.checksum.DiskChecksum;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.Images;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCopyTest {
    private static final long SIZE = 40L * 1024 * 1024 + 4096 * 3;

    @TempDir
    Path dir;

    @Test
    void copiesSparseImageExactlyAndKeepsHoles() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 4, 7); // ~1/4 data
        Path dst = dir.resolve("dst.img");
        List<TransferProgress> events = new CopyOnWriteArrayList<>();
        CopyResult result;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            result = DiskCopier.copy(CopyRequest.builder("disk-1", r, w)
                    .options(CopyOptions.DEFAULT.withInFlight(4).withRequestSize(256 * 1024).withProgressEvery(Duration.ofMillis(10)))
                    .progress(events::add)
                    .build());
        }
        String reference = Images.referenceChecksum(src);
        assertThat(result.sourceChecksum()).isEqualTo(reference);
        assertThat(result.targetChecksum()).isEqualTo(reference);
        assertThat(Images.sameContent(src, dst)).isTrue();
        try (var r = new FileDiskReader(dst)) {
            assertThat(Checksums.of(r)).isEqualTo(reference);
        }
        // Zero runs became holes: the target allocates about what the source holds in data, not its size.
        assertThat(Images.allocatedBytes(dst)).isLessThan(SIZE / 2);
        assertThat(result.bytesZeroed()).isGreaterThan(SIZE / 2);
        assertThat(result.bytesWritten() + result.bytesZeroed()).isEqualTo(SIZE);
        TransferProgress last = events.get(events.size() - 1);
        assertThat(last.bytesDone()).isEqualTo(SIZE);
        assertThat(last.bytesTotal()).isEqualTo(SIZE);
        assertThat(last.etaSeconds()).isZero();
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).bytesDone()).isGreaterThanOrEqualTo(events.get(i - 1).bytesDone());
        }
    }

    @Test
    void overwritingAnExistingTargetZeroesWhatTheSourceHasAsZeros() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 5, 8);
        Path dst = Images.mixed(dir, "old.img", SIZE, 1, 9); // fully dense, different data
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("disk-2", r, w).build());
            assertThat(result.targetChecksum()).isEqualTo(result.sourceChecksum());
        }
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void allocationMapMeansUnlistedAreasAreNeverRead() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 10); // dense on disk
        Path dst = dir.resolve("dst.img");
        long dataLen = 3L * 1024 * 1024;
        CopyResult result;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            result = DiskCopier.copy(CopyRequest.builder("disk-3", r, w)
                    .allocation(List.of(Extent.data(DiskChecksum.BLOCK_SIZE, dataLen)))
                    .build());
        }
        assertThat(result.bytesRead()).isEqualTo(dataLen);
        // The target holds the listed data and zeros elsewhere.
        byte[] expected = new byte[(int) SIZE];
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "r")) {
            f.seek(DiskChecksum.BLOCK_SIZE);
            f.readFully(expected, DiskChecksum.BLOCK_SIZE, (int) dataLen);
        }
        byte[] actual = java.nio.file.Files.readAllBytes(dst);
        assertThat(actual).isEqualTo(expected);
        assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(dst));
    }

    @Test
    void targetSmallerThanSourceIsRefusedWithSizes() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 4, 11);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("small.img"), SIZE - 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("d", r, w).build()))
                    .isInstanceOf(CopyFailedException.class)
                    .hasMessageContaining("less than the source's " + SIZE);
        }
    }
}
