package io.hoist.core.transfer.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.Images;
import io.hoist.core.transfer.testing.Nbdkit;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real nbdkit servers, over Unix sockets and loopback TCP. */
class NbdDiskReaderTest {
    private static final long SIZE = 24L * 1024 * 1024 + 512;

    @TempDir
    Path dir;

    @Test
    void readsPatternPluginBytesOverTcp() throws Exception {
        // The pattern plugin serves the big-endian offset of each 8-byte word: every byte is checkable.
        try (Nbdkit server = Nbdkit.tcp("pattern", "size=" + SIZE); var r = new NbdDiskReader(server.uri())) {
            assertThat(r.size()).isEqualTo(SIZE);
            ByteBuffer buf = ByteBuffer.allocateDirect(3 * 1024 * 1024 + 8);
            long offset = 5L * 1024 * 1024 - 8; // word-aligned, crosses several MiB
            assertThat(r.read(offset, buf)).isEqualTo(buf.capacity());
            buf.flip();
            for (long word = offset; buf.hasRemaining(); word += 8) {
                assertThat(buf.getLong()).isEqualTo(word);
            }
            // Reads at the end return only what exists.
            ByteBuffer tail = ByteBuffer.allocate(4096);
            assertThat(r.read(SIZE - 512, tail)).isEqualTo(512);
        }
    }

    @Test
    void aBlockIsReadAsPipelinedRequestsOfAtMost256KiBWithOrWithoutStructuredReplies() throws Exception {
        // nbdkit's file plugin spent ~3x the CPU on 4 MiB requests; one read call of a block goes out as 256 KiB
        // requests, all sent before the replies are read. The log filter records what the server was asked.
        for (boolean structuredReplies : new boolean[] {true, false}) {
            Path log = dir.resolve("nbdkit-" + structuredReplies + ".log");
            List<String> args = new java.util.ArrayList<>(List.of("--filter=log", "pattern", "size=" + SIZE,
                    "logfile=" + log));
            if (!structuredReplies) {
                args.addFirst("--no-sr");
            }
            try (Nbdkit server = Nbdkit.unix(dir, args.toArray(String[]::new)); var r = new NbdDiskReader(server.uri())) {
                ByteBuffer buf = ByteBuffer.allocateDirect(4 * 1024 * 1024);
                long offset = 8L * 1024 * 1024 + 8;
                assertThat(r.read(offset, buf)).isEqualTo(buf.capacity());
                assertThat(buf.position()).isEqualTo(buf.capacity());
                buf.flip();
                for (long word = offset; buf.hasRemaining(); word += 8) {
                    assertThat(buf.getLong()).as("word at %d (structured=%s)", word, structuredReplies).isEqualTo(word);
                }
            }
            List<String> reads = java.nio.file.Files.readAllLines(log).stream()
                    .filter(l -> l.contains(" Read id=") && !l.contains("return=")).toList();
            assertThat(reads).as("read requests the server saw").hasSize(16)
                    .allSatisfy(l -> assertThat(l).contains("count=0x40000"));
        }
    }

    @Test
    void blockStatusReportsHolesOfASparseFileOverUnixSocket() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 3, 3);
        try (Nbdkit server = Nbdkit.unix(dir, "file", img.toString()); var r = new NbdDiskReader(server.uri())) {
            assertThat(r.hasAllocationMap()).isTrue();
            List<Extent> map = r.extents(0, SIZE);
            assertThat(map.get(0).offset()).isZero();
            assertThat(map.get(map.size() - 1).end()).isEqualTo(SIZE);
            long zeros = map.stream().filter(Extent::zero).mapToLong(Extent::length).sum();
            // Two of every three MiB are holes in the image.
            assertThat(zeros).isGreaterThan(SIZE / 2);
            for (int i = 1; i < map.size(); i++) {
                assertThat(map.get(i).offset()).isEqualTo(map.get(i - 1).end());
            }
        }
    }

    @Test
    void copiesSparseImageOverUnixSocketAndTcpChecksumEqual() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 3, 4);
        String reference = Images.referenceChecksum(img);
        for (boolean tcp : new boolean[] {false, true}) {
            Path dst = dir.resolve("dst-" + tcp + ".img");
            try (Nbdkit server = tcp ? Nbdkit.tcp("file", img.toString()) : Nbdkit.unix(dir, "file", img.toString());
                 var r = new NbdDiskReader(server.uri());
                 var w = FileDiskWriter.open(dst, SIZE)) {
                CopyResult result = DiskCopier.copy(CopyRequest.builder("nbd-" + tcp, r, w)
                        .options(CopyOptions.DEFAULT.withInFlight(4).withRequestSize(1024 * 1024)).build());
                assertThat(result.sourceChecksum()).isEqualTo(reference);
                assertThat(result.targetChecksum()).isEqualTo(reference);
                // Holes were reported by BLOCK_STATUS and never read.
                assertThat(result.bytesRead()).isLessThan(SIZE / 2);
                assertThat(Checksums.of(r)).isEqualTo(reference);
            }
            Images.run("qemu-img", "compare", "-q", "-f", "raw", "-F", "raw", img.toString(), dst.toString());
        }
    }

    @Test
    void sparseRandomPluginCopiesWithItsOwnExtents() throws Exception {
        long size = 64L * 1024 * 1024;
        Path dst = dir.resolve("dst.img");
        try (Nbdkit server = Nbdkit.unix(dir, "sparse-random", "size=" + size, "percent=25", "seed=42");
             var r = new NbdDiskReader(server.uri());
             var w = FileDiskWriter.open(dst, size)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("sr", r, w).build());
            assertThat(result.targetChecksum()).isEqualTo(result.sourceChecksum());
            assertThat(Images.referenceChecksum(dst)).isEqualTo(result.sourceChecksum());
            assertThat(Checksums.of(r)).isEqualTo(result.sourceChecksum());
        }
    }

    @Test
    void serverWithoutStructuredRepliesIsReadWithSimpleReplies() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 3, 5);
        try (Nbdkit server = Nbdkit.unix(dir, "--no-sr", "file", img.toString());
             var r = new NbdDiskReader(server.uri());
             var w = FileDiskWriter.open(dir.resolve("dst.img"), SIZE)) {
            assertThat(r.hasAllocationMap()).isFalse(); // no structured replies, so no BLOCK_STATUS either
            CopyResult result = DiskCopier.copy(CopyRequest.builder("simple", r, w).build());
            assertThat(result.bytesRead()).isEqualTo(SIZE);
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(img));
        }
    }

    @Test
    void unknownExportIsRefusedWithItsName() throws Exception {
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=exportname", "memory", "size=1M", "exportname=good", "exportname-strict=true")) {
            String sock = server.uri().getQuery().substring("socket=".length());
            assertThatThrownBy(() -> new NbdDiskReader(URI.create("nbd+unix:///bad?socket=" + sock)))
                    .isInstanceOf(NbdException.class)
                    .hasMessageContaining("refused export 'bad'");
        }
    }

    @Test
    void badUrisNameTheMissingPart() {
        assertThatThrownBy(() -> NbdUri.parse(URI.create("nbd+unix:///x")))
                .hasMessageContaining("socket is missing");
        assertThatThrownBy(() -> NbdUri.parse(URI.create("nbdx://h/x")))
                .hasMessageContaining("scheme must be nbd or nbd+unix");
        NbdUri u = NbdUri.parse(URI.create("nbd://example.org/disk0"));
        assertThat(u.exportName()).isEqualTo("disk0");
        assertThat(u.display()).isEqualTo("nbd://example.org:10809/disk0");
    }
}
