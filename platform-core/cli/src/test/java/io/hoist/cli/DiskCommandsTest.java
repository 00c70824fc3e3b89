package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoist copy/verify} read without picocli ({@link DiskCommands}): a plain command line runs there; anything
 * else is declined and picocli gives its usual help, usage errors and exit codes.
 */
class DiskCommandsTest {
    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness(Map.of());

    @Test
    void aPlainCopyAndVerifyRunWithoutPicocliAndTakeEveryOptionForm() throws Exception {
        Path src = image();
        Path dst = dir.resolve("dst.img");
        Integer code = fast("copy", "--no-progress", "--in-flight=2", "--request-size", "1M", "--rate", "0",
                "--checksum=none", "--checkpoint-dir", dir.resolve("cp").toString(), src.toString(), dst.toString());
        assertThat(code).isZero();
        assertThat(Files.readAllBytes(dst)).isEqualTo(Files.readAllBytes(src));
        assertThat(fast("verify", "--insecure-skip-tls-verify", dst.toString())).isZero();
        assertThat(fast("verify", "--expect", "sha256-4m:0000", dst.toString())).isEqualTo(1);
        assertThat(fast("verify", "--checksum=xxh128-4m", "--expect", "xxh128-4m:0000", dst.toString())).isEqualTo(1);
    }

    @Test
    void anythingNotPlainlyValidIsLeftToPicocli() throws Exception {
        String src = image().toString();
        String dst = dir.resolve("x.img").toString();
        String[][] declined = {
                {"copy", "--help"}, {"copy", "-h"}, {"verify", "--version"}, {"copy", "-v", src, dst},
                {"copy", "--log-level", "io.hoist=debug", src, dst}, {"copy", "--in-flight", "x", src, dst},
                {"copy", "--in-flight", "-1", src, dst}, {"copy", "--checksum", "md5", src, dst},
                {"copy", "--rate", "1e3", src, dst}, {"copy", "--no-progress=true", src, dst},
                {"copy", "--no-progress", "--no-progress", src, dst}, {"copy", src}, {"copy", src, dst, dst},
                {"copy", "--bogus", src, dst}, {"copy", "--", src, dst}, {"copy", "@args.txt"}, {"copy", "-", dst},
                {"copy", "--thumbprint", src, dst}, {"verify", "--no-progress", dst}, {"verify", "--checksum", "md5", dst}, {"verify"}, {"copy"},
                {"get", "plans"}, {}};
        for (String[] args : declined) {
            assertThat(fast(args)).as(String.join(" ", args)).isNull();
        }
        assertThat(dir.resolve("x.img")).doesNotExist();
    }

    @Test
    void badOptionsStillGetPicocliErrorsNamingTheOption() throws Exception {
        String src = image().toString();
        String dst = dir.resolve("x.img").toString();
        CliHarness.Result badInt = cli.run("copy", "--in-flight", "many", src, dst);
        assertThat(badInt.code()).isEqualTo(2);
        assertThat(badInt.err()).contains("--in-flight").contains("many").contains("see 'hoist copy --help'");
        CliHarness.Result unknown = cli.run("verify", "--bogus", dst);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--bogus");
        CliHarness.Result twice = cli.run("copy", "--rate", "1", "--rate", "2", src, dst);
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("--rate");
        assertThat(dir.resolve("x.img")).doesNotExist();
    }

    @Test
    void aFailingCopyIsOneErrorLineAndExitOneAsThroughPicocli() {
        String missing = dir.resolve("missing.img").toString();
        String[] args = {"copy", "--no-progress", missing, dir.resolve("y.img").toString()};
        StringWriter err = new StringWriter();
        Integer code = DiskCommands.run(args, context(), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: copy " + missing + " to ").endsWith("\n").hasLineCount(1);
        StringWriter viaPicocli = new StringWriter();
        assertThat(Main.runWithPicocli(args, context(), new PrintWriter(new StringWriter()), new PrintWriter(viaPicocli, true)))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo(viaPicocli.toString());
    }

    private Integer fast(String... args) {
        return DiskCommands.run(args, context(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private static CliContext context() {
        return new CliContext(Map.of(), new ByteArrayInputStream(new byte[0]));
    }

    private Path image() throws Exception {
        Path p = dir.resolve("src.img");
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(3L << 20);
            f.seek(1L << 20);
            f.write(data);
        }
        return p;
    }
}
