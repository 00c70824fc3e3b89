package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoist copy --checksum} and {@code hoist verify} through the real command line. */
class CopyCommandTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness(Map.of());

    @Test
    void checksumNoneCopiesButDoesNotClaimVerificationAndVerifyChecksTheTargetLater() throws Exception {
        Path src = image("src.img");
        Path dst = dir.resolve("dst.img");
        String none = succeeding("copy", "--no-progress", "--checksum", "none", src.toString(), dst.toString());
        assertThat(none).contains("checksum none: NOT verified").doesNotContain("sha256-4m:");
        assertThat(Files.readAllBytes(dst)).isEqualTo(Files.readAllBytes(src));

        Path dst2 = dir.resolve("dst2.img");
        String sha = succeeding("copy", "--no-progress", src.toString(), dst2.toString());
        assertThat(sha).contains("verified sha256-4m of source and target are equal");
        String sum = targetChecksum(sha);
        assertThat(succeeding("verify", "--expect", sum, dst.toString())).startsWith(sum + "  " + dst);
    }

    @Test
    void xxh128CopyIsVerifiedAndVerifyRecomputesItsChecksum() throws Exception {
        Path src = image("src.img");
        Path dst = dir.resolve("dst.img");
        String out = succeeding("copy", "--no-progress", "--checksum", "xxh128-4m", src.toString(), dst.toString());
        assertThat(out).contains("verified xxh128-4m of source and target are equal").doesNotContain("sha256-4m:");
        String sum = targetChecksum(out);
        assertThat(sum).matches("xxh128-4m:[0-9a-f]{32}");
        // --expect names the kind; --checksum says it outright
        assertThat(succeeding("verify", "--expect", sum, dst.toString())).startsWith(sum + "  " + dst);
        assertThat(succeeding("verify", "--checksum", "xxh128-4m", dst.toString())).startsWith(sum + "  " + dst);
        CliHarness.Result contradicting = cli.run("verify", "--checksum", "sha256-4m", "--expect", sum, dst.toString());
        assertThat(contradicting.code()).isNotZero();
        assertThat(contradicting.err()).contains("--checksum sha256-4m cannot produce the xxh128-4m checksum given to --expect");
    }

    @Test
    void anUnknownChecksumIsAUsageErrorNamingTheOptionAndTheChoices() throws Exception {
        Path src = image("src.img");
        CliHarness.Result r = cli.run("copy", "--checksum", "md5", src.toString(), dir.resolve("x.img").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--checksum").contains("'md5' is not a checksum choice (use one of sha256-4m, xxh128-4m, none)");
        assertThat(dir.resolve("x.img")).doesNotExist();
    }

    @Test
    void helpStillListsEveryCommandThoughARunBuildsOnlyItsOwn() {
        assertThat(cli.run("help", "copy").out()).contains("--checksum=sha256-4m|xxh128-4m|none");
        assertThat(cli.run("copy", "--help").out()).contains("NOT verified");
        assertThat(cli.run("--help").out()).contains("serve").contains("copy").contains("verify").contains("apply");
        CliHarness.Result typo = cli.run("cpy", "a", "b");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("cpy");
    }

    /** Runs {@code args}, asserts exit 0 and returns what it printed. */
    private String succeeding(String... args) throws Exception {
        return capturingStdout(() -> assertThat(cli.run(args).code()).as(String.join(" ", args)).isZero());
    }

    private static String targetChecksum(String copyOutput) {
        return copyOutput.lines().filter(l -> l.startsWith("target ")).findFirst().orElseThrow().substring(9).trim();
    }

    private Path image(String name) throws Exception {
        Path p = dir.resolve(name);
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(9L << 20);
            f.seek(5L << 20);
            f.write(data);
        }
        return p;
    }

    private interface Body {
        void run() throws Exception;
    }

    private static String capturingStdout(Body body) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
