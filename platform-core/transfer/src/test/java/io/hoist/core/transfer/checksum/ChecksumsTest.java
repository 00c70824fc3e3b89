package io.hoist.core.transfer.checksum;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.testing.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {
    @TempDir
    Path dir;

    @Test
    void matchesNaiveReferenceIncludingShortLastBlock() throws Exception {
        long size = 3L * DiskChecksum.BLOCK_SIZE + 777_777; // last block shorter than 4 MiB
        Path img = Images.mixed(dir, "a.img", size, 3, 1);
        try (FileDiskReader r = new FileDiskReader(img)) {
            assertThat(Checksums.of(r)).isEqualTo(Images.referenceChecksum(img));
        }
    }

    @Test
    void oneChangedByteChangesTheChecksum() throws Exception {
        Path img = Images.mixed(dir, "b.img", 2L * DiskChecksum.BLOCK_SIZE, 2, 2);
        String before;
        try (FileDiskReader r = new FileDiskReader(img)) {
            before = Checksums.of(r);
        }
        try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            f.seek(DiskChecksum.BLOCK_SIZE + 17);
            f.write(0x5a);
        }
        try (FileDiskReader r = new FileDiskReader(img)) {
            assertThat(Checksums.of(r)).isNotEqualTo(before).isEqualTo(Images.referenceChecksum(img));
        }
    }

    @Test
    void zeroBlockDigestIsSha256OfZeros() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(new byte[DiskChecksum.BLOCK_SIZE]);
        assertThat(DiskChecksum.zeroBlockDigest(DiskChecksum.BLOCK_SIZE)).isEqualTo(expected);
        byte[] shortOne = MessageDigest.getInstance("SHA-256").digest(new byte[1000]);
        assertThat(DiskChecksum.zeroBlockDigest(1000)).isEqualTo(shortOne);
    }

    @Test
    void emptyDiskHasTheDigestOfNoBlocks() throws Exception {
        Path img = Files.createFile(dir.resolve("empty.img"));
        try (FileDiskReader r = new FileDiskReader(img)) {
            assertThat(Checksums.of(r)).isEqualTo(Images.referenceChecksum(img));
        }
    }
}
