package io.hoist.core.transfer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.checkpoint.FileCheckpointStore;
import io.hoist.core.transfer.copy.CopyFailedException;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.core.transfer.file.FileDiskReader;
import io.hoist.core.transfer.file.FileDiskWriter;
import io.hoist.core.transfer.testing.CrashingAfterBytesTestReader;
import io.hoist.core.transfer.testing.Images;
import io.hoist.core.transfer.testing.RangeFileTestServer;
import io.hoist.core.transfer.testing.UploadTargetTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTransferTest {
    private static final long SIZE = 20L * 1024 * 1024 + 1000;
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer s3cr3t-token");

    @TempDir
    Path dir;

    private final EngineDiskIo io = new EngineDiskIo();

    @Test
    void copiesFromRangeServerWithAuthHeader() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 2, 51);
        Path dst = dir.resolve("dst.img");
        try (var server = RangeFileTestServer.http(img, true, "Bearer s3cr3t-token");
             var r = io.openHttp(server.uri("127.0.0.1"), TlsSettings.DEFAULT, AUTH);
             var w = FileDiskWriter.open(dst, SIZE)) {
            assertThat(r.size()).isEqualTo(SIZE);
            CopyResult result = DiskCopier.copy(CopyRequest.builder("http", r, w)
                    .options(CopyOptions.DEFAULT.withInFlight(4).withRequestSize(1024 * 1024)).build());
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(img));
            assertThat(server.rangeRequests()).isGreaterThan(5);
        }
        assertThat(Images.sameContent(img, dst)).isTrue();
    }

    @Test
    void serverIgnoringRangeIsAClearErrorWithoutTheToken() throws Exception {
        Path img = Images.mixed(dir, "src.img", 1024 * 1024, 1, 52);
        try (var server = RangeFileTestServer.http(img, false, null)) {
            assertThatThrownBy(() -> io.openHttp(server.uri("127.0.0.1").resolve("?token=abc"), TlsSettings.DEFAULT, AUTH))
                    .hasMessageContaining("server ignores Range requests")
                    .hasMessageNotContaining("s3cr3t")
                    .hasMessageNotContaining("token=abc");
        }
    }

    @Test
    void wrongCredentialsReportTheStatus() throws Exception {
        Path img = Images.mixed(dir, "src.img", 1024 * 1024, 1, 53);
        try (var server = RangeFileTestServer.http(img, true, "Bearer right")) {
            assertThatThrownBy(() -> io.openHttp(server.uri("127.0.0.1"), TlsSettings.DEFAULT, AUTH))
                    .hasMessageContaining("HTTP 401")
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    @Test
    void uploadsAsOneStreamWithZerosFilledIn() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 3, 54);
        Path received = dir.resolve("received.img");
        try (var server = new UploadTargetTestServer(received, "Bearer s3cr3t-token");
             var r = new FileDiskReader(img)) {
            CopyResult result;
            try (var w = io.openHttpUpload(server.uri(), TlsSettings.DEFAULT, AUTH, SIZE)) {
                result = DiskCopier.copy(CopyRequest.builder("upload", r, w)
                        .options(CopyOptions.DEFAULT.withInFlight(4)).build());
            }
            assertThat(server.method()).isEqualTo("POST");
            assertThat(result.targetChecksum()).isEqualTo(result.sourceChecksum()).isEqualTo(Images.referenceChecksum(img));
        }
        assertThat(Images.sameContent(img, received)).isTrue();
    }

    @Test
    void sourceFailingMidUploadFailsTheCopyInsteadOfHanging() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 1, 56);
        try (var server = new UploadTargetTestServer(dir.resolve("partial.img"), null);
             var r = new CrashingAfterBytesTestReader(new FileDiskReader(img), SIZE / 3)) {
            var w = io.openHttpUpload(server.uri(), TlsSettings.DEFAULT, Map.of(), SIZE);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> DiskCopier.copy(
                    CopyRequest.builder("upload", r, w).options(CopyOptions.DEFAULT.withInFlight(4)
                            .withRetries(1, 0, Duration.ofMillis(1), Duration.ofMillis(1))).build()))
                    .isInstanceOf(CopyFailedException.class)
                    .hasMessageContaining("source host went away"));
            assertThatThrownBy(w::close).hasMessageContaining("upload abandoned");
        }
    }

    /**
     * CDI's upload server takes a disk as one POST from its first byte (no offset, no Range, no status query), so an
     * upload cannot resume. An attempt broken off leaves an entry in the checkpoint store saying so; the next attempt
     * (here through a second store instance over the same entries, as another node sharing the store) uploads the
     * whole disk again and says, before its first byte, that it starts again from byte 0 and why.
     */
    @Test
    void anUploadBrokenOffStartsAgainFromByteZeroAndSaysSo() throws Exception {
        Path img = Images.mixed(dir, "src.img", SIZE, 1, 57);
        Path received = dir.resolve("received.img");
        Path entries = dir.resolve("checkpoints");
        try (var server = new UploadTargetTestServer(received, null)) {
            List<String> firstNotices = new ArrayList<>();
            try (var r = new CrashingAfterBytesTestReader(new FileDiskReader(img), SIZE / 2)) {
                var w = io.openHttpUpload(server.uri(), TlsSettings.DEFAULT, Map.of(), SIZE);
                assertThatThrownBy(() -> DiskCopier.copy(CopyRequest.builder("mig/vm-1/disk-0", r, w)
                        .checkpoints(new FileCheckpointStore(entries)).restarted(firstNotices::add)
                        .options(CopyOptions.DEFAULT.withInFlight(2)
                                .withRetries(1, 0, Duration.ofMillis(1), Duration.ofMillis(1))).build()))
                        .isInstanceOf(CopyFailedException.class);
                assertThatThrownBy(w::close).hasMessageContaining("upload abandoned");
            }
            assertThat(firstNotices).as("a first attempt restarts nothing").isEmpty();

            List<String> notices = new ArrayList<>();
            CopyResult result;
            try (var r = new FileDiskReader(img);
                 var w = io.openHttpUpload(server.uri(), TlsSettings.DEFAULT, Map.of(), SIZE)) {
                result = DiskCopier.copy(CopyRequest.builder("mig/vm-1/disk-0", r, w)
                        .checkpoints(new FileCheckpointStore(entries)).restarted(notices::add)
                        .options(CopyOptions.DEFAULT.withInFlight(2)).build());
            }
            assertThat(notices).singleElement().asString()
                    .contains("starts again from byte 0")
                    .containsPattern("an earlier attempt had sent \\d+ of " + SIZE + " bytes")
                    .contains("an upload cannot be resumed");
            assertThat(result.resumedFrom()).isZero();
            assertThat(result.targetChecksum()).isEqualTo(Images.referenceChecksum(img));
            assertThat(new FileCheckpointStore(entries).load("mig/vm-1/disk-0"))
                    .as("a finished upload leaves no attempt behind to report").isEmpty();
        }
        assertThat(Images.sameContent(img, received)).isTrue();
    }

    @Test
    void rejectedUploadFailsOnClose() throws Exception {
        Path img = Images.mixed(dir, "src.img", 2 * 1024 * 1024, 1, 55);
        try (var server = new UploadTargetTestServer(dir.resolve("x.img"), "Bearer other");
             var r = new FileDiskReader(img)) {
            var w = io.openHttpUpload(server.uri(), TlsSettings.DEFAULT, AUTH, r.size());
            assertThatThrownBy(() -> {
                try (w) {
                    DiskCopier.copy(CopyRequest.builder("upload", r, w).build());
                }
            }).hasMessageContaining("HTTP 401").hasMessageNotContaining("s3cr3t");
        }
    }
}
