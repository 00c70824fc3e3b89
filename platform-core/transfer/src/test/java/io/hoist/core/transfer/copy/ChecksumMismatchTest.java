package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.testkit.transfer.BufferKeepingReaderTestDouble;
import io.hoist.testkit.transfer.LateReplyWriterTestDouble;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target-side checksum catches a buffer that changes between read and write, e.g. a late asynchronous reply
 * landing in a buffer the copier already reuses. Test doubles simulate exactly that: a reader that keeps its
 * destination buffer and a writer that, on its first write, lets the reader scribble into a later run.
 */
class ChecksumMismatchTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = ChecksumMode.class, names = {"SHA256_4M", "XXH128_4M"})
    void bytesChangedAfterHashingFailTheCopyAndDropTheCheckpoint(ChecksumMode mode) throws Exception {
        Path img = dir.resolve("src.img");
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(91).nextBytes(data);
        java.util.Arrays.fill(data, 1 << 20, (1 << 20) + 65536, (byte) 0); // a zero run: the block is written in runs
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.write(data);
        }
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));
        try (var reader = new BufferKeepingReaderTestDouble(new FileDiskReader(img));
             var real = FileDiskWriter.open(dir.resolve("dst.img"), data.length)) {
            DiskWriter scribbling = new LateReplyWriterTestDouble(real, () -> reader.last().put(3 << 20, (byte) (data[3 << 20] ^ 0x55)));
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("vm/disk", reader, scribbling)
                    .checkpoints(store).options(CopyOptions.DEFAULT.withInFlight(1).withChecksum(mode)).build()))
                    .isInstanceOfSatisfying(CopyFailedException.class, e -> assertThat(e.code()).isEqualTo("ChecksumMismatch"))
                    .hasMessageContaining("first at block 0 (offset 0)");
        }
        assertThat(store.load("vm/disk")).isEmpty();
    }
}
