package io.hoist.plugin.ova.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ova.archive.ByteRange;
import io.hoist.plugin.ova.testing.DiskImages;
import io.hoist.plugin.ova.testing.QemuImg;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our VMDK reader against VMDKs written by the real qemu-img, compared with {@code qemu-img convert -O raw}. */
class VmdkDiskReaderQemuTest {
    /** Exactly 3 grains; a partial last grain; a size that is not even a whole sector; several grain tables. */
    static final long[] SIZES = {3L * DiskImages.BLOCK, (1L << 20) + 4096 + 512, (2L << 20) + 12345, (40L << 20) + 32768};
    static final String[] FORMATS = {"streamOptimized", "monolithicSparse", "monolithicFlat"};

    @TempDir
    static Path dir;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FORMATS) {
            for (long s : SIZES) {
                out.add(Arguments.of(f, s));
            }
        }
        return out.stream();
    }

    /** The VMDK made by qemu-img and the raw bytes qemu-img reads back from it. */
    record Made(Path vmdk, Path reference) {}

    static Made make(String format, long size) throws IOException {
        String base = format + "-" + size;
        Path raw = dir.resolve(base + ".input.raw");
        if (!Files.exists(raw)) {
            DiskImages.raw(raw, size, size);
        }
        Path vmdk = dir.resolve(base + ".vmdk");
        if (!Files.exists(vmdk)) {
            QemuImg.toVmdk(raw, vmdk, format);
        }
        Path ref = dir.resolve(base + ".qemu.raw");
        if (!Files.exists(ref)) {
            QemuImg.toRaw(vmdk, ref);
        }
        return new Made(vmdk, ref);
    }

    static VmdkDiskReader open(Path vmdk) throws IOException {
        return VmdkDiskReader.open(ByteRange.ofFile(vmdk), name -> ByteRange.ofFile(vmdk.resolveSibling(name)));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("cases")
    void yieldsExactlyTheBytesQemuImgConvertsTo(String format, long size) throws IOException {
        Made m = make(format, size);
        try (VmdkDiskReader r = open(m.vmdk())) {
            assertThat(r.format()).isEqualTo(format);
            assertThat(r.size()).isEqualTo(Files.size(m.reference()));
            // An odd buffer size makes reads straddle grains and the partial last grain.
            assertThat(DiskImages.sha256(r, 100_003)).isEqualTo(DiskImages.sha256(m.reference()));
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("cases")
    void extentsCoverTheDiskAndReportZeroRuns(String format, long size) throws IOException {
        Made m = make(format, size);
        byte[] ref = Files.readAllBytes(m.reference());
        try (VmdkDiskReader r = open(m.vmdk())) {
            List<Extent> ex = r.extents(0, r.size());
            long pos = 0;
            for (Extent e : ex) {
                assertThat(e.offset()).as("extents are contiguous").isEqualTo(pos);
                pos = e.end();
                if (e.zero()) {
                    assertThat(isZero(ref, e.offset(), e.length())).as("zero extent %s holds only zeros", e).isTrue();
                }
            }
            assertThat(pos).isEqualTo(r.size());
            // Every all-zero 64 KiB block of the input must be inside a zero extent: never read or written.
            for (long i = 0; (i + 1) * DiskImages.BLOCK <= size; i++) {
                if (DiskImages.zeroBlock(i)) {
                    long at = i * DiskImages.BLOCK;
                    assertThat(ex).as("block %d at %d", i, at)
                            .anyMatch(e -> e.zero() && e.offset() <= at && e.end() >= at + DiskImages.BLOCK);
                }
            }
            assertThat(ex).anyMatch(e -> !e.zero());
            // A sub-range starting and ending mid-grain is clipped exactly.
            List<Extent> part = r.extents(1000, 200_000);
            assertThat(part.get(0).offset()).isEqualTo(1000);
            assertThat(part.get(part.size() - 1).end()).isEqualTo(Math.min(r.size(), 201_000));
        }
    }

    @Test
    void concurrentRandomReadsMatchTheReference() throws Exception {
        long size = SIZES[3];
        Made m = make("streamOptimized", size);
        byte[] ref = Files.readAllBytes(m.reference());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (VmdkDiskReader r = open(m.vmdk())) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                jobs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 200; i++) {
                        long off = (long) (rnd.nextDouble() * ref.length);
                        ByteBuffer b = ByteBuffer.allocate(1 + rnd.nextInt(300_000));
                        int n = r.read(off, b);
                        assertThat(n).isEqualTo((int) Math.min(b.capacity(), ref.length - off));
                        assertThat(Arrays.equals(b.array(), 0, n, ref, (int) off, (int) off + n))
                                .as("bytes at %d+%d", off, n).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readsStreamOptimizedWithTheGrainDirectoryOnlyInTheFooter() throws IOException {
        Made m = make("streamOptimized", SIZES[1]);
        // VMware writes streamOptimized with gdOffset = GD_AT_END in the header and the real header in a
        // footer: rewrite qemu's file into that layout (footer marker, footer header, end-of-stream marker).
        Path footered = dir.resolve("footer.vmdk");
        byte[] b = Files.readAllBytes(m.vmdk());
        byte[] header = Arrays.copyOf(b, 512);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(56, -1L);
        byte[] footerMarker = new byte[512];
        ByteBuffer.wrap(footerMarker).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1).putInt(12, 3);
        Files.write(footered, b);
        Files.write(footered, footerMarker, StandardOpenOption.APPEND);
        Files.write(footered, header, StandardOpenOption.APPEND);
        Files.write(footered, new byte[512], StandardOpenOption.APPEND);
        try (VmdkDiskReader r = open(footered)) {
            assertThat(DiskImages.sha256(r, 65536)).isEqualTo(DiskImages.sha256(m.reference()));
        }
        // Without the footer the directory cannot be found: a clear error, not zeros.
        Path noFooter = dir.resolve("nofooter.vmdk");
        Files.write(noFooter, Arrays.copyOf(b, b.length));
        assertThatThrownBy(() -> open(noFooter).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("nofooter.vmdk");
    }

    @Test
    void corruptCompressedGrainFailsWithTheFileNameInsteadOfWrongBytes() throws IOException {
        Made m = make("streamOptimized", SIZES[0]);
        byte[] b = Files.readAllBytes(m.vmdk());
        // Grain 0's compressed data starts after its 12-byte marker at sector 128 (qemu's overhead).
        int at = 128 * 512 + 12;
        for (int i = 100; i < 400; i++) {
            b[at + i] ^= 0x5a;
        }
        Path bad = dir.resolve("corrupt.vmdk");
        Files.write(bad, b);
        try (VmdkDiskReader r = open(bad)) {
            assertThatThrownBy(() -> r.read(0, ByteBuffer.allocate(4096))).isInstanceOf(IOException.class)
                    .hasMessageContaining("corrupt.vmdk");
        }
    }

    @Test
    void truncatedFlatExtentAndNonVmdkFilesAreRejected() throws IOException {
        Made m = make("monolithicFlat", SIZES[0]);
        Path d = dir.resolve("trunc");
        Files.createDirectories(d);
        String descriptor = Files.readString(m.vmdk());
        String flatName = m.vmdk().getFileName().toString().replace(".vmdk", "-flat.vmdk");
        Files.writeString(d.resolve("t.vmdk"), descriptor);
        byte[] flat = Files.readAllBytes(m.vmdk().resolveSibling(flatName));
        Files.write(d.resolve(flatName), Arrays.copyOf(flat, flat.length / 2));
        assertThatThrownBy(() -> open(d.resolve("t.vmdk")).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        Path qcow = d.resolve("disk.qcow2");
        QemuImg.run("create", "-f", "qcow2", qcow.toString(), "1M");
        assertThatThrownBy(() -> open(qcow).close()).hasMessageContaining("qcow2");
    }

    private static boolean isZero(byte[] b, long off, long len) {
        for (long i = off; i < off + len; i++) {
            if (b[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }
}
