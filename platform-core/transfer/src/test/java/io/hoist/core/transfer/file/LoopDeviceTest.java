package io.hoist.core.transfer.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.hoist.core.transfer.checksum.Checksums;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.core.transfer.testing.Images;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block devices as source and target: a real loop device ({@code losetup}) over a file in the test folder. Needs
 * root (CI runs as root). Not root: the tests are reported as skipped with that reason; root but no loop device
 * could be made: they fail with losetup's own words.
 */
class LoopDeviceTest {
    private static final long SIZE = 24L << 20;

    @TempDir
    Path dir;

    private final List<String> attached = new ArrayList<>();

    @BeforeEach
    void needsRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        Assumptions.assumeTrue("0".equals(uid), "not root (uid " + uid + "): loop devices need root; these block-device"
                + " tests did not run");
    }

    @AfterEach
    void detach() throws Exception {
        for (String dev : attached) {
            Images.run("losetup", "-d", dev);
        }
    }

    @Test
    void blockDeviceSourceCopiesExactlyAndTheTargetStaysSparse() throws Exception {
        Path backing = Images.mixed(dir, "src.img", SIZE, 4, 41);
        Path device = attach(backing, true);
        Path dst = dir.resolve("dst.img");
        CopyResult result;
        try (var r = new FileDiskReader(device); var w = FileDiskWriter.open(dst, SIZE)) {
            assertThat(r.size()).isEqualTo(SIZE);
            assertThat(r.findsHoles()).as("block devices answer SEEK_DATA with EINVAL: all data, zeros detected").isFalse();
            result = DiskCopier.copy(CopyRequest.builder("loop-src", r, w).build());
        }
        assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(backing));
        assertThat(Images.sameContent(backing, dst)).isTrue();
        assertThat(Images.allocatedBytes(dst)).isLessThan(SIZE / 2);
    }

    @Test
    void zerosOnABlockDeviceTargetAreDiscardedNotWritten() throws Exception {
        Path src = Images.mixed(dir, "src.img", SIZE, 4, 42);
        Path backing = Images.mixed(dir, "lun.img", SIZE, 1, 43); // old data everywhere, fully allocated
        assertThat(Images.allocatedBytes(backing)).isGreaterThanOrEqualTo(SIZE);
        Path device = attach(backing, false);
        try (var r = new FileDiskReader(src); var w = FileDiskWriter.open(device, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("loop-dst", r, w).build());
            assertThat(result.verified()).isTrue();
            assertThat(w.punchesHoles()).as("fallocate(PUNCH_HOLE) on the loop device").isTrue();
            try (var check = new FileDiskReader(device)) {
                assertThat(Checksums.of(check)).isEqualTo(Images.referenceChecksum(src));
            }
        }
        detachNow(device);
        assertThat(Images.sameContent(src, backing)).isTrue();
        // The loop driver turns the device's discards into holes in its backing file: zeros cost no space.
        assertThat(Images.allocatedBytes(backing)).isLessThan(SIZE / 2);
    }

    private Path attach(Path file, boolean readOnly) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("losetup", "--find", "--show"));
        if (readOnly) {
            cmd.add("--read-only");
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 || !out.startsWith("/dev/")) {
            fail("running as root but no loop device could be made: " + String.join(" ", cmd) + ": " + out);
        }
        attached.add(out);
        return Path.of(out);
    }

    private void detachNow(Path device) throws IOException, InterruptedException {
        Images.run("losetup", "-d", device.toString());
        attached.remove(device.toString());
    }
}
