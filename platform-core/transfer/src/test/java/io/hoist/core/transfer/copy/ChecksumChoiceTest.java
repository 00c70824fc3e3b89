package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.CrashingAfterBytesTestReader;
import io.hoist.core.transfer.testing.Images;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumChoiceTest {
    private static final long SIZE = 40L * 1024 * 1024 + 12345;
    private static final CopyOptions NONE = CopyOptions.DEFAULT.withChecksum(ChecksumMode.NONE);
    private static final CopyOptions XXH = CopyOptions.DEFAULT.withChecksum(ChecksumMode.XXH128_4M);

    @TempDir
    Path dir;

    @Test
    void noneCopiesEveryByteButClaimsNoVerification() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 3, 51);
        Path dst = dir.resolve("dst.img");
        CopyResult result;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            result = DiskCopier.copy(CopyRequest.builder("none", r, w).options(NONE).build());
        }
        assertThat(result.checksum()).isEqualTo(ChecksumMode.NONE);
        assertThat(result.verified()).isFalse();
        assertThat(result.sourceChecksum()).isNull();
        assertThat(result.targetChecksum()).isNull();
        assertThat(result.targetDigests()).isNull();
        assertThat(Images.sameContent(src, dst)).isTrue();
        assertThat(Images.allocatedBytes(dst)).isLessThan(SIZE / 2); // still sparse
    }

    @Test
    void defaultIsSha256AndVerified() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 3, 52);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("dst.img"), SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("sha", r, w).build());
            assertThat(result.checksum()).isEqualTo(ChecksumMode.SHA256_4M);
            assertThat(result.verified()).isTrue();
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(src));
        }
    }

    /** Where libxxhash is missing xxh128-4m runs on hash4j: the same checksum, so either side can verify the other. */
    @Test
    void xxh128OnTheJavaFallbackGivesTheSameChecksumAsLibxxhash() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 3, 56);
        Path dst = dir.resolve("dst.img");
        CopyResult result;
        System.setProperty(ChecksumMode.XXH3_PROPERTY, "java");
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            assertThat(ChecksumMode.XXH128_4M.newHasher().getClass().getSimpleName()).isEqualTo("Xxh128JavaBlockHasher");
            result = DiskCopier.copy(CopyRequest.builder("xxh-java", r, w).options(XXH).build());
        } finally {
            System.clearProperty(ChecksumMode.XXH3_PROPERTY);
        }
        assertThat(result.verified()).isTrue();
        assertThat(result.targetChecksum()).isEqualTo(Images.referenceXxh128Checksum(src));
        try (var r = new FileDiskReader(dst)) { // recomputed on libxxhash
            assertThat(ChecksumMode.XXH128_4M.newHasher().getClass().getSimpleName()).isEqualTo("Xxh128BlockHasher");
            assertThat(Checksums.of(r, ChecksumMode.XXH128_4M)).isEqualTo(result.targetChecksum());
        }
    }

    @Test
    void xxh128IsVerifiedWithItsOwnChecksumWhichHoistVerifyRecomputes() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 3, 55);
        Path dst = dir.resolve("dst.img");
        CopyResult result;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            result = DiskCopier.copy(CopyRequest.builder("xxh", r, w).options(XXH).build());
        }
        assertThat(result.checksum()).isEqualTo(ChecksumMode.XXH128_4M);
        assertThat(result.verified()).isTrue();
        assertThat(result.sourceChecksum()).isEqualTo(result.targetChecksum()).isEqualTo(Images.referenceXxh128Checksum(src));
        assertThat(result.targetDigests().mode()).isEqualTo(ChecksumMode.XXH128_4M);
        try (var r = new FileDiskReader(dst)) {
            assertThat(Checksums.of(r, ChecksumMode.XXH128_4M)).isEqualTo(result.targetChecksum());
            assertThat(Checksums.of(r)).isEqualTo(Images.referenceChecksum(src)); // the same bytes
        }
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void aCheckpointIsOnlyResumedByACopyHashingTheSameWay() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 56);
        Path dst = dir.resolve("dst.img");
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));
        crashHalfway("d", src, dst, store, CopyOptions.DEFAULT);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("d", r, w).checkpoints(store).options(XXH).build());
            assertThat(result.resumedFrom()).isZero(); // sha256 digests would be mixed into an xxh128 checksum
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceXxh128Checksum(src));
        }
        // An xxh128-4m copy does resume from its own checkpoint, and its checksum still covers the whole disk.
        crashHalfway("e", src, dir.resolve("dst2.img"), store, XXH);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("dst2.img"), SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("e", r, w).checkpoints(store).options(XXH).build());
            assertThat(result.resumedFrom()).isPositive();
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceXxh128Checksum(src));
        }
    }

    @Test
    void aWarmDeltaRefusesABaselineOfAnotherAlgorithm() throws Exception {
        long size = 16L * 1024 * 1024;
        Path src = Images.mixed(dir, "src.img", size, 1, 57);
        CopyResult first;
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("dst.img"), size)) {
            first = DiskCopier.copy(CopyRequest.builder("w0", r, w).build());
        }
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("dst.img"), size)) {
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("w1", r, w).options(XXH)
                    .changedAreas(List.of(Extent.data(0, 4096)), first.targetDigests()).build()))
                    .isInstanceOf(CopyFailedException.class)
                    .hasMessageContaining("baseline digests are sha256-4m, this copy checks xxh128-4m");
        }
    }

    @Test
    void aCheckpointOfAnUnhashedCopyIsNeverResumedByAChecksummedOne() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 1, 53);
        Path dst = dir.resolve("dst.img");
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("ckpt"));
        crashHalfway("d", src, dst, store, NONE);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("d", r, w).checkpoints(store).build());
            assertThat(result.resumedFrom()).isZero(); // a resume would hash the done prefix as zeros
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(src));
        }
        // The same unhashed copy does resume from it.
        crashHalfway("e", src, dir.resolve("dst2.img"), store, NONE);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dir.resolve("dst2.img"), SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("e", r, w).checkpoints(store).options(NONE).build());
            assertThat(result.resumedFrom()).isPositive();
        }
        assertThat(Images.sameContent(src, dir.resolve("dst2.img"))).isTrue();
    }

    @Test
    void anUnhashedWarmDeltaNeedsNoBaseline() throws Exception {
        long size = 16L * 1024 * 1024;
        Path src = Images.mixed(dir, "src.img", size, 1, 54);
        Path dst = dir.resolve("dst.img");
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, size)) {
            DiskCopier.copy(CopyRequest.builder("w0", r, w).options(NONE).build());
        }
        long at = 5L * 1024 * 1024;
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
            f.seek(at);
            f.write(Images.randomBytes(4096, 6));
        }
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(dst, size)) {
            CopyResult delta = DiskCopier.copy(CopyRequest.builder("w1", r, w).options(NONE)
                    .changedAreas(List.of(Extent.data(at, 4096)), null).build());
            assertThat(delta.bytesUnchanged()).isEqualTo(size - 4L * 1024 * 1024);
            assertThat(delta.verified()).isFalse();
        }
        assertThat(Images.sameContent(src, dst)).isTrue();
    }

    @Test
    void choicesAreNamedAndBadOnesRefusedNamingTheField() {
        assertThat(ChecksumMode.parse(" SHA256-4M ", "x")).isEqualTo(ChecksumMode.SHA256_4M);
        assertThat(ChecksumMode.parse("none", "x")).isEqualTo(ChecksumMode.NONE);
        assertThat(ChecksumMode.parse("xxh128-4m", "x")).isEqualTo(ChecksumMode.XXH128_4M);
        assertThatThrownBy(() -> ChecksumMode.parse("md5", "plan annotation hoist.io/checksum"))
                .hasMessage("plan annotation hoist.io/checksum: 'md5' is not a checksum choice (use one of sha256-4m, xxh128-4m, none)");
        assertThat(ChecksumMode.ofChecksum("xxh128-4m:00ff")).isEqualTo(ChecksumMode.XXH128_4M);
        assertThat(ChecksumMode.ofChecksum("sha256-4m:00ff")).isEqualTo(ChecksumMode.SHA256_4M);
        assertThat(ChecksumMode.ofChecksum("md5:00ff")).isNull();
    }

    /** Copies {@code src} to {@code dst} with a source that dies halfway, leaving a checkpoint under {@code id}. */
    private static void crashHalfway(String id, Path src, Path dst, FileCheckpointStore store, CopyOptions options)
            throws Exception {
        CopyOptions crashFast = options.withInFlight(2).withCheckpointEvery(Duration.ZERO)
                .withRetries(1, 0, Duration.ofMillis(1), Duration.ofMillis(1));
        try (var crashing = new CrashingAfterBytesTestReader(new FileDiskReader(src), SIZE / 2);
             var w = FileDiskWriter.open(dst, SIZE)) {
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder(id, crashing, w).checkpoints(store)
                    .options(crashFast).build())).isInstanceOf(CopyFailedException.class);
        }
        assertThat(store.load(id)).isPresent();
    }
}
