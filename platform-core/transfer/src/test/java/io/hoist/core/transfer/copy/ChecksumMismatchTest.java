package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target-side checksum catches a buffer that changes between read and write, e.g. a late asynchronous reply
 * landing in a buffer the copier already reuses. Test doubles simulate exactly that: a reader that keeps its
 * destination buffer and a writer that, on its first write, lets the reader scribble into a later run.
 */
class ChecksumMismatchTest {
    @TempDir
    Path dir;

    @Test
    void bytesChangedAfterHashingFailTheCopyAndDropTheCheckpoint() throws Exception {
        Path img = dir.resolve("src.img");
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(91).nextBytes(data);
        java.util.Arrays.fill(data, 1 << 20, (1 << 20) + 65536, (byte) 0); // a zero run: the block is written in runs
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.write(data);
        }
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));
        try (var reader = new BufferKeepingTestReader(new FileDiskReader(img));
             var real = FileDiskWriter.open(dir.resolve("dst.img"), data.length)) {
            DiskWriter scribbling = new LateReplyTestWriter(real, () -> reader.last.put(3 << 20, (byte) (data[3 << 20] ^ 0x55)));
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("vm/disk", reader, scribbling)
                    .checkpoints(store).options(CopyOptions.DEFAULT.withInFlight(1)).build()))
                    .isInstanceOfSatisfying(CopyFailedException.class, e -> assertThat(e.code()).isEqualTo("ChecksumMismatch"))
                    .hasMessageContaining("first at block 0 (offset 0)");
        }
        assertThat(store.load("vm/disk")).isEmpty();
    }

    /** Test double: a real reader that remembers the last buffer it filled. */
    static final class BufferKeepingTestReader implements DiskReader {
        private final DiskReader real;
        volatile ByteBuffer last;

        BufferKeepingTestReader(DiskReader real) {
            this.real = real;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public int read(long offset, ByteBuffer dst) throws IOException {
            last = dst;
            return real.read(offset, dst);
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }

    /** Test double: a real writer that runs {@code onFirstWrite} once, as a late reply would land. */
    static final class LateReplyTestWriter implements DiskWriter {
        private final DiskWriter real;
        private Runnable onFirstWrite;

        LateReplyTestWriter(DiskWriter real, Runnable onFirstWrite) {
            this.real = real;
            this.onFirstWrite = onFirstWrite;
        }

        @Override
        public void write(long offset, ByteBuffer src) throws IOException {
            real.write(offset, src);
            if (onFirstWrite != null) {
                onFirstWrite.run();
                onFirstWrite = null;
            }
        }

        @Override
        public void writeZeroes(long offset, long length) throws IOException {
            real.writeZeroes(offset, length);
        }

        @Override
        public void flush() throws IOException {
            real.flush();
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public String describe() {
            return real.describe();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }
}
