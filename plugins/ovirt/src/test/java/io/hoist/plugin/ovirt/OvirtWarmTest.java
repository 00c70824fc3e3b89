package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Warm precopies through incremental backups, in the order the engine calls them: a full backup, deltas from the
 * previous checkpoint ({@code context=dirty}) while the guest writes, a final delta after power-off. The target ends
 * byte-identical; no backup, image transfer or checkpoint of ours is left.
 */
class OvirtWarmTest {
    static final String DISK = "08b054b2-0001-4dd6-9cf2-434213c02fbe"; // vm_on's 8 GiB disk (recorded)
    static OvirtEngineTestServer engine;
    static Path dir;
    static Path raw;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
        dir = Files.createTempDirectory("hoist-ovirt-warm");
        raw = Images.qcow2AndRaw(dir, "vm_on", 8589934592L, "0 2M 0x42", "1G 1M 0x17");
        Files.delete(dir.resolve("vm_on.qcow2")); // the guest writes into the raw image from here on
        engine.setImage(DISK, raw);
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** What the engine's copy does with a precopy: the given extents read from the backup and written to the target. */
    private static long apply(OvirtSource s, SourceVm vm, SourceDisk d, SnapshotRef snap, List<Extent> extents, Path target)
            throws Exception {
        long copied = 0;
        try (DiskReader r = s.openDisk(vm, d, snap);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (out.size() < r.size()) {
                out.truncate(r.size());
                out.write(ByteBuffer.allocate(1), r.size() - 1);
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (Extent e : extents) {
                if (e.zero()) {
                    continue; // the target is a new sparse file: holes read as zeros
                }
                for (long at = e.offset(); at < e.end(); ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - at));
                    int n = r.read(at, buf);
                    buf.flip();
                    out.write(buf, at);
                    at += n;
                    copied += n;
                }
            }
        }
        return copied;
    }

    @Test
    void precopiesThenCutoverCopyOnlyWhatChanged() throws Exception {
        engine.setDisk(DISK, "backup", "incremental");
        engine.setDisk(DISK, "format", "cow");
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        Path target = dir.resolve("target.raw");
        Random random = new Random(5);
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            assertThat(vm.powerState()).isEqualTo(PowerState.ON);
            SourceDisk d = vm.disks().get(0);

            SnapshotRef s1 = s.createSnapshot(vm, "precopy 1");
            List<Extent> all = s.changedAreas(vm, d, null, s1);
            long full = apply(s, vm, d, s1, all, target);
            assertThat(full).as("first precopy copies the allocated data only").isEqualTo(3L << 20);

            byte[] w1 = new byte[1 << 20];
            random.nextBytes(w1);
            engine.guestWrite(DISK, 100L << 20, w1);
            byte[] w2 = new byte[64 << 10];
            random.nextBytes(w2);
            engine.guestWrite(DISK, 5L << 30, w2);

            SnapshotRef s2 = s.createSnapshot(vm, "precopy 2");
            s.removeSnapshot(vm, s1);
            List<Extent> delta = s.changedAreas(vm, d, s1, s2);
            assertThat(delta).containsExactly(Extent.data(100L << 20, 1 << 20), Extent.data(5L << 30, 64 << 10));
            assertThat(apply(s, vm, d, s2, delta, target)).isEqualTo((1 << 20) + (64 << 10));

            byte[] w3 = new byte[4096];
            random.nextBytes(w3);
            engine.guestWrite(DISK, 4096, w3);
            s.powerOff(vm);
            long end = System.nanoTime() + 10_000_000_000L;
            while (s.powerState(vm) != PowerState.OFF) {
                assertThat(System.nanoTime()).isLessThan(end);
                Thread.sleep(50);
            }
            SnapshotRef s3 = s.createSnapshot(vm, "final");
            List<Extent> last = s.changedAreas(vm, d, s2, s3);
            assertThat(last).containsExactly(Extent.data(4096, 4096));
            apply(s, vm, d, s3, last, target);
            s.removeSnapshot(vm, s2);
            s.removeSnapshot(vm, s3);
        }
        assertThat(Images.sha256(target)).isEqualTo(Images.sha256(raw));
        assertThat(engine.open()).as("backups and transfers left open").isEmpty();
        assertThat(engine.checkpointIds(OvirtEngineTestServer.VM_ON)).as("our checkpoints removed").isEmpty();
    }

    /**
     * The platform restarts between precopies: the new provider instance must still remove the checkpoints the old
     * one created (the engine keeps a checkpoint while a backup starts from it, so the old instance could not).
     */
    @Test
    void checkpointsCreatedBeforeARestartAreRemovedAfterIt() throws Exception {
        engine.setDisk(DISK, "backup", "incremental");
        engine.setDisk(DISK, "format", "cow");
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine(); // one work directory, as the platform's data dir survives its restart
        Path target = dir.resolve("target-restart.raw");
        SnapshotRef s2;
        try (OvirtSource before = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = before.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            SourceDisk d = vm.disks().get(0);
            SnapshotRef s1 = before.createSnapshot(vm, "precopy 1");
            apply(before, vm, d, s1, before.changedAreas(vm, d, null, s1), target);
            s2 = before.createSnapshot(vm, "precopy 2");
            before.removeSnapshot(vm, s1);
            apply(before, vm, d, s2, before.changedAreas(vm, d, s1, s2), target);
            assertThat(engine.checkpointIds(OvirtEngineTestServer.VM_ON)).as("precopy 1's checkpoint, still the base of backup 2")
                    .contains(s1.changeIds().get(DISK));
        } // the platform stops here without removing anything more
        try (OvirtSource after = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = after.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            SourceDisk d = vm.disks().get(0);
            SnapshotRef s3 = after.createSnapshot(vm, "precopy 3");
            after.removeSnapshot(vm, s2);
            apply(after, vm, d, s3, after.changedAreas(vm, d, s2, s3), target);
            after.removeSnapshot(vm, s3);
        }
        assertThat(Images.sha256(target)).isEqualTo(Images.sha256(raw));
        assertThat(engine.open()).as("backups and transfers left open").isEmpty();
        assertThat(engine.checkpointIds(OvirtEngineTestServer.VM_ON)).as("checkpoints of both instances removed").isEmpty();
    }

    @Test
    void aVmWhoseDisksCannotBackUpIncrementallyIsRefusedClearly() {
        engine.setDisk(DISK, "backup", "none");
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            assertThatThrownBy(() -> s.createSnapshot(vm, "x")).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("VMIncrementalBackupNotEnabled"))
                    .hasMessageContaining("incremental backup is not enabled");
        } finally {
            engine.setDisk(DISK, "backup", "incremental");
        }
        assertThat(engine.open()).isEmpty();
    }
}
