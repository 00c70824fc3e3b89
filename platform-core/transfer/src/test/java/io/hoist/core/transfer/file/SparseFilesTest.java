package io.hoist.core.transfer.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.core.transfer.testing.Images;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEEK_DATA/SEEK_HOLE and fallocate through FFM, on real sparse files of the file system the tests run on. */
class SparseFilesTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @BeforeEach
    void nativeCallsAreThere() {
        // No silent fallback in tests: on the Linux machines this project supports, the calls must link.
        assertThat(NativeFile.unavailableReason()).as("native calls").isNull();
    }

    @Test
    void extentsAreTheHolesAndDataOfASparseFile() throws Exception {
        Path img = dir.resolve("sparse.img");
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(32L * MIB);
            f.seek(4L * MIB);
            f.write(Images.randomBytes(MIB, 1));
            f.seek(13L * MIB);
            f.write(Images.randomBytes(8192, 2));
        }
        try (FileDiskReader r = new FileDiskReader(img)) {
            assertThat(r.findsHoles()).isTrue();
            assertThat(r.extents(0, 32L * MIB)).containsExactly(
                    Extent.zeros(0, 4L * MIB),
                    Extent.data(4L * MIB, MIB),
                    Extent.zeros(5L * MIB, 8L * MIB),
                    Extent.data(13L * MIB, 8192),
                    Extent.zeros(13L * MIB + 8192, 32L * MIB - 13L * MIB - 8192));
            // A window inside data and holes is clipped to the window.
            assertThat(r.extents(4L * MIB + 100, 2L * MIB)).containsExactly(
                    Extent.data(4L * MIB + 100, MIB - 100),
                    Extent.zeros(5L * MIB, MIB + 100));
            // A hole up to the end of the file.
            assertThat(r.extents(20L * MIB, 12L * MIB)).containsExactly(Extent.zeros(20L * MIB, 12L * MIB));
        }
    }

    @Test
    void copyFromASparseFileReadsOnlyItsData() throws Exception {
        long size = 40L * MIB + 4096 * 3;
        Path src = Images.mixed(dir, "src.img", size, 4, 21); // one MiB in four is data, the rest holes
        long data = dataBytes(src, size);
        assertThat(data).isLessThan(size / 2);
        Path dst = dir.resolve("dst.img");
        CopyResult result;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, size)) {
            result = DiskCopier.copy(CopyRequest.builder("sparse", r, w).build());
        }
        assertThat(result.bytesRead()).isEqualTo(data); // the holes were never read
        assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(src));
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void zeroRunsOverAnOldDenseTargetBecomeHoles() throws Exception {
        long size = 24L * MIB;
        Path src = Images.mixed(dir, "src.img", size, 4, 22);
        Path dst = Images.mixed(dir, "old.img", size, 1, 23); // fully allocated, other data
        assertThat(Images.allocatedBytes(dst)).isGreaterThanOrEqualTo(size);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, size)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("punch", r, w).build());
            assertThat(result.verified()).isTrue();
            assertThat(w.punchesHoles()).isTrue();
        }
        assertThat(Images.sameContent(src, dst)).isTrue();
        // Before fallocate the zeros were written as bytes and the target stayed fully allocated.
        assertThat(Images.allocatedBytes(dst)).isLessThan(size / 2);
    }

    @Test
    void zeroRangeAndWriteBackWorkOnAFile() throws Exception {
        Path f = dir.resolve("f.img");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(Images.randomBytes(4 * MIB, 3));
        }
        try (NativeFile n = NativeFile.openForWriting(f)) {
            assertThat(n.startWriteBack(0, 4 * MIB)).isTrue();
            assertThat(n.zeroRange(MIB, MIB)).isTrue();
            assertThat(n.punchHole(3L * MIB, 4096)).isTrue();
        }
        byte[] all = java.nio.file.Files.readAllBytes(f);
        byte[] expected = Images.randomBytes(4 * MIB, 3);
        java.util.Arrays.fill(expected, MIB, 2 * MIB, (byte) 0);
        java.util.Arrays.fill(expected, 3 * MIB, 3 * MIB + 4096, (byte) 0);
        assertThat(all).isEqualTo(expected);
    }

    @Test
    void failuresNameTheCallThePathAndTheError() {
        Path missing = dir.resolve("no-such.img");
        assertThatThrownBy(() -> NativeFile.openForReading(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open on " + missing)
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void aFileWithoutHolesIsOneDataExtent() throws Exception {
        Path img = dir.resolve("dense.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(Images.randomBytes(3 * MIB + 17, 4)));
        }
        try (FileDiskReader r = new FileDiskReader(img)) {
            assertThat(r.extents(0, 3L * MIB + 17)).isEqualTo(List.of(Extent.data(0, 3L * MIB + 17)));
        }
    }

    /** Data bytes as the file system reports them, asked of an independent tool (GNU cp's sparse logic is not used). */
    private static long dataBytes(Path img, long size) throws Exception {
        // python's os.lseek: the same system call, made without any code of ours
        Process p = new ProcessBuilder("python3", "-c", """
                import os, sys
                fd = os.open(sys.argv[1], os.O_RDONLY); size = int(sys.argv[2]); pos = 0; total = 0
                while pos < size:
                    try:
                        d = os.lseek(fd, pos, os.SEEK_DATA)
                    except OSError:
                        break
                    h = os.lseek(fd, d, os.SEEK_HOLE); total += min(h, size) - d; pos = h
                print(total)
                """, img.toString(), Long.toString(size)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out);
    }
}
