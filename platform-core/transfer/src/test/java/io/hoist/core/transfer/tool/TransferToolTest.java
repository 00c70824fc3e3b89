package io.hoist.core.transfer.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.testing.Images;
import io.hoist.core.transfer.testing.Nbdkit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransferToolTest {
    @TempDir
    Path dir;

    @Test
    void copyPrintsBytesThroughputAndBothChecksumsThenVerifyAgrees() throws Exception {
        Path img = Images.mixed(dir, "src.img", 12L * 1024 * 1024, 2, 81);
        Path dst = dir.resolve("dst.img");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String reference = Images.referenceChecksum(img);
        try (Nbdkit server = Nbdkit.unix(dir, "file", img.toString())) {
            CopyResult result = CopyTool.run(new CopySpec(server.uri().toString(), dst.toString(), 4, 1024 * 1024, 0,
                    dir.resolve("ckpt"), TlsSettings.DEFAULT, true, ChecksumMode.SHA256_4M), new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(result.targetChecksum()).isEqualTo(reference);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("source   " + reference).contains("target   " + reference)
                .contains("verified sha256-4m of source and target are equal")
                .containsPattern("time     [0-9.]+ s, [0-9.]+ [KMG]?i?B/s").containsPattern("bytes    \\d+ read, \\d+ written, \\d+ zeroed")
                .contains("%"); // the live progress line

        ByteArrayOutputStream verifyOut = new ByteArrayOutputStream();
        String sum = VerifyTool.run(dst.toString(), TlsSettings.DEFAULT, new PrintStream(verifyOut, true, StandardCharsets.UTF_8));
        assertThat(sum).isEqualTo(reference);
        assertThat(verifyOut.toString(StandardCharsets.UTF_8)).startsWith(reference + "  " + dst);
    }

    @Test
    void checksumNoneCopiesAndSaysItIsNotVerified() throws Exception {
        Path img = Images.mixed(dir, "src.img", 9L * 1024 * 1024, 2, 82);
        Path dst = dir.resolve("dst.img");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(TransferTool.run(new String[] {"copy", "--checksum", "none", img.toString(), dst.toString()})).isZero();
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("checksum none: NOT verified").doesNotContain("sha256-4m:").doesNotContain("verified sha256");
        assertThat(Images.sameContent(img, dst)).isTrue();
    }

    @Test
    void badArgumentsNameWhatIsWrong() {
        assertThatThrownBy(() -> TransferTool.run(new String[] {"copy", "--checksum", "crc32", "a", "b"}))
                .hasMessageContaining("--checksum: 'crc32' is not a checksum choice (use one of sha256-4m, xxh128-4m, none)");
        assertThatThrownBy(() -> TransferTool.run(new String[] {"copy", "only-one"}))
                .hasMessageContaining("copy needs SOURCE and TARGET");
        assertThatThrownBy(() -> TransferTool.run(new String[] {"copy", "--request-size", "lots", "a", "b"}))
                .hasMessageContaining("request size 'lots'");
        assertThatThrownBy(() -> TransferTool.run(new String[] {"copy", "ftp://x/y", "b"}))
                .hasMessageContaining("SOURCE ftp://x/y: unknown scheme 'ftp'");
        assertThatThrownBy(() -> TransferTool.run(new String[] {"copy", "--in-flight", "0", "a", "b"}))
                .hasMessageContaining("inFlight must be between 1 and 256");
    }
}
