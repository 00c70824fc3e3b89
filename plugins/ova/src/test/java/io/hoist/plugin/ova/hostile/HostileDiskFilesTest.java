package io.hoist.plugin.ova.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.plugin.ova.archive.ByteRange;
import io.hoist.plugin.ova.ovf.AllocationUnits;
import io.hoist.plugin.ova.disk.VmdkDiskReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 4: crafted VMDK headers and OVF units, made here at test time, are refused with an error naming
 * the file and the field, before anything is allocated for them.
 */
class HostileDiskFilesTest {
    @TempDir
    Path dir;

    /** A sparse VMDK header (KDMV) with the given fields, padded to {@code fileBytes}. */
    static Path sparse(Path dir, String name, long capacitySectors, long grainSectors, int gtesPerGt, long gdSector,
                       int fileBytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(fileBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x564d444b).putInt(4, 1).putInt(8, 3).putLong(12, capacitySectors).putLong(20, grainSectors)
                .putLong(28, 0).putLong(36, 0).putInt(44, gtesPerGt).putLong(48, 0).putLong(56, gdSector);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    static VmdkDiskReader open(Path p) throws IOException {
        return VmdkDiskReader.open(ByteRange.ofFile(p), n -> ByteRange.ofFile(p.resolveSibling(n)));
    }

    @Test
    void aHeaderDeclaringAHugeGrainDirectoryIsRefusedBeforeAllocating() throws IOException {
        // 500 M sectors, one sector a grain, one entry a table: a 2 GB directory declared by a 30 KB file
        Path bomb = sparse(dir, "bomb.vmdk", 500_000_000L, 1, 1, 1, 30 * 1024);
        long before = usedHeap();
        assertThatThrownBy(() -> open(bomb).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("bomb.vmdk").hasMessageContaining("capacity=500000000")
                .hasMessageContaining("beyond the end of the 30720-byte file");
        assertThat(usedHeap() - before).as("heap grown by the attempt").isLessThan(512L << 20);
    }

    @Test
    void capacityPastAnyDiskAndGrainTablesPastTheFileAreRefused() throws IOException {
        Path huge = sparse(dir, "huge.vmdk", Long.MAX_VALUE / 512, 128, 512, 1, 4096);
        assertThatThrownBy(() -> open(huge).close()).hasMessageContaining("huge.vmdk").hasMessageContaining("capacity");
        // a valid-looking directory whose one entry points far past the end of the file
        Path p = sparse(dir, "gt.vmdk", 1024, 128, 512, 1, 4096);
        ByteBuffer entry = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x7fffffff);
        byte[] b = Files.readAllBytes(p);
        System.arraycopy(entry.array(), 0, b, 512, 4);
        Files.write(p, b);
        try (VmdkDiskReader r = open(p)) {
            assertThatThrownBy(() -> r.read(0, ByteBuffer.allocate(4096))).isInstanceOf(IOException.class)
                    .hasMessageContaining("gt.vmdk").hasMessageContaining("beyond the end");
        }
    }

    @Test
    void aTwentyDigitSectorCountIsACorruptDescriptorNotANumberFormatException() throws IOException {
        Path d = dir.resolve("d.vmdk");
        Files.writeString(d, "# Disk DescriptorFile\nversion=1\ncreateType=\"monolithicFlat\"\nRW 99999999999999999999 FLAT \"d-flat.vmdk\" 0\n",
                StandardCharsets.UTF_8);
        Files.write(dir.resolve("d-flat.vmdk"), new byte[512]);
        assertThatThrownBy(() -> open(d).close()).isInstanceOf(IOException.class)
                .hasMessageContaining("d.vmdk").hasMessageContaining("extent size").hasMessageContaining("too large");
        Files.writeString(d, "# Disk DescriptorFile\nversion=1\n" + "RW 100000000000 ZERO\n".repeat(3), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(d).close()).isInstanceOf(IOException.class).hasMessageContaining("larger than any VMDK");
    }

    @Test
    void allocationUnitsAreEvaluatedArithmetically() {
        String units = "byte" + " * 1^2000000000".repeat(200) + " * 2^30";
        long start = System.nanoTime();
        assertThat(AllocationUnits.bytesPerUnit(units, 1, "Disk[0]/capacityAllocationUnits")).isEqualTo(1L << 30);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5_000);
        assertThatThrownBy(() -> AllocationUnits.bytesPerUnit("byte * 2^2000000000", 1, "Disk[0]/capacityAllocationUnits"))
                .hasMessageContaining("Disk[0]/capacityAllocationUnits").hasMessageContaining("larger than any disk");
        assertThatThrownBy(() -> AllocationUnits.bytesPerUnit("byte * 99999999999999999999", 1, "f"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than any disk");
        assertThatThrownBy(() -> AllocationUnits.toBytes("99999999999999999999", "byte", 1, "Disk[0]/capacity"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Disk[0]/capacity");
        assertThatThrownBy(() -> AllocationUnits.toBytes("9000000000", "byte * 2^40", 1, "Disk[0]/capacity"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than any disk");
    }

    @Test
    void aCraftedOvaIsDescribedAndItsDiskIsAClearVmErrorOnEveryTry() throws Exception {
        Path share = java.nio.file.Files.createDirectories(dir.resolve("share"));
        Path bomb = sparse(dir, "bomb-disk1.vmdk", 500_000_000L, 1, 1, 1, 30 * 1024);
        io.hoist.plugin.ova.OvaWriter.to(share.resolve("bomb.ova"))
                .ovf("bomb.ovf", new io.hoist.plugin.ova.OvfBuilder("bomb").disk("bomb-disk1.vmdk", 1L << 30).build())
                .file("bomb-disk1.vmdk", bomb).write();
        io.hoist.api.provider.ProviderConfig config = new io.hoist.api.provider.ProviderConfig("uid-1", "ns", "ova", "ova",
                share.toString(), java.util.Map.of(), java.util.Map.of());
        try (io.hoist.plugin.ova.OvaSource p = (io.hoist.plugin.ova.OvaSource) new io.hoist.plugin.ova.OvaProviderFactory()
                .create(config, new io.hoist.testkit.HostContextTestDouble(dir.resolve("work")))) {
            for (int attempt = 0; attempt < 3; attempt++) { // every reconcile describes the VM again
                long before = usedHeap();
                io.hoist.api.source.SourceVm vm = p.describe(new io.hoist.api.source.VmRef(null, "bomb")).orElseThrow();
                assertThat(vm.disks()).hasSize(1);
                assertThatThrownBy(() -> p.openDisk(vm, vm.disks().get(0), null))
                        .isInstanceOf(io.hoist.api.HoistException.class)
                        .hasMessageContaining("bomb-disk1.vmdk").hasMessageContaining("capacity=500000000");
                assertThat(usedHeap() - before).isLessThan(512L << 20);
            }
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
