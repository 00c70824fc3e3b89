package io.hoist.core.transfer.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.nbd.NbdDiskReader;
import io.hoist.core.transfer.testing.ConnectionCuttingProxyTestServer;
import io.hoist.core.transfer.testing.Images;
import io.hoist.core.transfer.testing.Nbdkit;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies through real faults: nbdkit's error filter, and a proxy that cuts TCP connections. */
class FaultInjectionTest {
    private static final long SIZE = 48L * 1024 * 1024;
    private static final CopyOptions FAST_RETRY = CopyOptions.DEFAULT.withInFlight(4).withRequestSize(64 * 1024)
            .withRetries(6, 500, Duration.ofMillis(1), Duration.ofMillis(20));

    @TempDir
    Path dir;

    @Test
    void onePercentOfReadsFailingStillCopiesChecksumEqual() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 1, 21); // dense: ~768 reads of 64 KiB
        Path dst = dir.resolve("dst.img");
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=error", "file", img.toString(), "error=EIO", "error-pread-rate=1%");
             var r = new NbdDiskReader(server.uri());
             var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("faulty", r, w).options(FAST_RETRY).build());
            assertThat(result.retries()).isPositive();
            assertThat(result.sourceChecksum()).isEqualTo(result.targetChecksum()).isEqualTo(Images.referenceChecksum(img));
        }
        assertThat(Images.sameContent(img, dst)).isTrue();
    }

    @Test
    void droppedConnectionsAreRetriedFromTheFailedOffset() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 1, 22);
        Path dst = dir.resolve("dst.img");
        try (Nbdkit server = Nbdkit.tcp("file", img.toString());
             var proxy = new ConnectionCuttingProxyTestServer(server.port(), 6L * 1024 * 1024, 23);
             var r = new NbdDiskReader(URI.create("nbd://127.0.0.1:" + proxy.port() + "/"));
             var w = FileDiskWriter.open(dst, SIZE)) {
            CopyResult result = DiskCopier.copy(CopyRequest.builder("cut", r, w).options(FAST_RETRY).build());
            assertThat(proxy.cuts()).isPositive();
            assertThat(result.retries()).isPositive();
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(img));
        }
        assertThat(Images.sameContent(img, dst)).isTrue();
    }

    @Test
    void persistentErrorsFailTheDiskWithOffsetAndReason() throws Exception {
        Path img = Images.mixed(dir, "src.img", 8L * 1024 * 1024, 1, 24);
        try (Nbdkit server = Nbdkit.unix(dir, "--filter=error", "file", img.toString(), "error=EIO", "error-pread-rate=100%");
             var r = new NbdDiskReader(server.uri());
             var w = FileDiskWriter.open(dir.resolve("dst.img"), r.size())) {
            assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("broken", r, w).options(FAST_RETRY).build()))
                    .isInstanceOfSatisfying(CopyFailedException.class, e -> assertThat(e.code()).isEqualTo("TransferFailed"))
                    .hasMessageContaining("disk broken: reading nbd+unix")
                    .hasMessageContaining("at offset ")
                    .hasMessageContaining("failed after 6 attempts")
                    .hasMessageContaining("error 5"); // EIO as the server reported it
        }
    }
}
