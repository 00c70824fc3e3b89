package io.hoist.plugin.ova.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.plugin.ova.OvaWriter;
import io.hoist.plugin.ova.OvfBuilder;
import io.hoist.plugin.ova.testing.DiskImages;
import io.hoist.plugin.ova.testing.QemuImg;
import io.hoist.plugin.ova.disk.VmdkDiskReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OVAs written by {@link OvaWriter}, checked with an independent tar reader and read back in place. */
class OvaArchiveTest {
    @TempDir
    Path dir;

    @Test
    void writesOvfFirstThenManifestAndReadsEachSubformatStraightOutOfTheTar() throws IOException {
        long size = (1L << 20) + 4096 + 512;
        Path raw = DiskImages.raw(dir.resolve("in.raw"), size, 42);
        Path stream = QemuImg.toVmdk(raw, dir.resolve("s.vmdk"), "streamOptimized");
        Path sparse = QemuImg.toVmdk(raw, dir.resolve("m.vmdk"), "monolithicSparse");
        Path flat = QemuImg.toVmdk(raw, dir.resolve("f.vmdk"), "monolithicFlat");
        String expected = DiskImages.sha256(QemuImg.toRaw(stream, dir.resolve("ref.raw")));
        // A name longer than ustar's 100 characters must survive too.
        String longName = "disks/" + "x".repeat(120) + ".vmdk";
        Path ova = OvaWriter.to(dir.resolve("vm.ova"))
                .ovf("vm.ovf", new OvfBuilder("vm").disk("s.vmdk", size).build())
                .file("s.vmdk", stream).file(longName, sparse)
                .file("f.vmdk", flat).file("f-flat.vmdk", dir.resolve("f-flat.vmdk")).write();

        List<String> names = new ArrayList<>();
        String manifest = null;
        try (InputStream in = Files.newInputStream(ova); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName());
                if (e.getName().endsWith(".mf")) {
                    manifest = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(names).containsExactly("vm.ovf", "vm.mf", "s.vmdk", longName, "f.vmdk", "f-flat.vmdk");
        assertThat(manifest).contains("SHA256(s.vmdk)= " + DiskImages.sha256(stream))
                .contains("SHA256(f-flat.vmdk)= " + DiskImages.sha256(dir.resolve("f-flat.vmdk")));

        OvaArchive archive = OvaArchive.open(ova, "vm.ova");
        assertThat(archive.ovfName()).isEqualTo("vm.ovf");
        assertThat(archive.entryNames()).containsExactlyElementsOf(names);
        assertThat(new String(archive.readOvf(), StandardCharsets.UTF_8)).contains("<Name>vm</Name>");
        assertThat(archive.fileSize("s.vmdk")).isEqualTo(Files.size(stream));
        assertThat(archive.fileSize("./s.vmdk")).isEqualTo(Files.size(stream));
        assertThat(archive.fileSize("missing.vmdk")).isEqualTo(-1);
        for (String href : List.of("s.vmdk", longName, "f.vmdk")) {
            try (VmdkDiskReader r = VmdkDiskReader.open(archive.open(href),
                    n -> archive.open(OvaPackage.sibling(href, n)))) {
                assertThat(DiskImages.sha256(r, 1 << 20)).as(href).isEqualTo(expected);
            }
        }
        assertThatThrownBy(() -> archive.open("missing.vmdk")).hasMessageContaining("missing.vmdk")
                .hasMessageContaining("vm.ova");
    }

    @Test
    void archivesWithoutDescriptorAndTruncatedArchivesAreRejected() throws IOException {
        Path disk = Files.write(dir.resolve("d.bin"), new byte[10_000]);
        Path noOvf = dir.resolve("no.ova");
        try (var out = Files.newOutputStream(noOvf);
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("d.bin");
            e.setSize(10_000);
            tar.putArchiveEntry(e);
            Files.copy(disk, tar);
            tar.closeArchiveEntry();
        }
        assertThatThrownBy(() -> OvaArchive.open(noOvf, "no.ova")).hasMessageContaining("no .ovf");

        Path ok = OvaWriter.to(dir.resolve("t.ova")).ovf("t.ovf", new OvfBuilder("t").build()).file("d.bin", disk).write();
        byte[] all = Files.readAllBytes(ok);
        Path cut = Files.write(dir.resolve("cut.ova"), java.util.Arrays.copyOf(all, 4096));
        assertThatThrownBy(() -> {
            OvaArchive a = OvaArchive.open(cut, "cut.ova");
            a.open("d.bin").close();
        }).isInstanceOf(IOException.class);
    }

    @Test
    void anOvfCannotNameFilesOutsideTheProviderFolder() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root/vm"));
        Files.writeString(dir.resolve("secret.txt"), "not for the OVA provider");
        Files.createSymbolicLink(root.resolve("link.vmdk"), dir.resolve("secret.txt"));
        OvfFolder f = new OvfFolder(root.resolve("vm.ovf"), dir.resolve("root"), "vm/vm.ovf");
        assertThatThrownBy(() -> f.open("../../secret.txt")).hasMessageContaining("outside the provider folder");
        assertThatThrownBy(() -> f.open("link.vmdk")).hasMessageContaining("outside the provider folder");
        assertThat(f.fileSize("absent.vmdk")).isEqualTo(-1);
    }
}
