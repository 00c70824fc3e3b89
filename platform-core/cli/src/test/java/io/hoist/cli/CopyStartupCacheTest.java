package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache {@code ./hoist copy/verify} start from ({@code scripts/transfer-aot.sh}): recorded by a real training
 * run, used by a real JVM without a single {@code [aot]} complaint, recorded again when a jar changed (never handed
 * to the JVM stale), skipped when another process holds the recording lock.
 */
class CopyStartupCacheTest {
    private static final long MINUTES = 10;

    @TempDir
    Path dir;

    private Path script;
    private String classPath;
    private Path cacheDir;

    @BeforeEach
    void jarsLikeDistLib() throws IOException {
        script = findScript();
        cacheDir = dir.resolve("aot");
        // The AOT cache only covers jars: the module's own classes (a folder under Maven) are packed into one.
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.contains("test-classes") || !Files.exists(p)) {
                continue;
            }
            jars.add(Files.isDirectory(p) ? jarOf(p, dir.resolve("lib").resolve(jars.size() + ".jar")).toString() : entry);
        }
        classPath = String.join(":", jars);
    }

    @Test
    void recordedOnceThenUsedWithoutComplaintsAndRecordedAgainWhenAJarChanges() throws Exception {
        Result first = options();
        assertThat(first.err).contains("recording it");
        assertThat(first.options).containsExactlyElementsOf(withCache());
        assertThat(cacheDir.resolve("copy.aot")).isNotEmptyFile();
        String key = Files.readString(cacheDir.resolve("copy.key"));

        Result again = options();
        assertThat(again.err).doesNotContain("recording").contains("using");
        assertThat(again.options).isEqualTo(first.options);

        // The JVM takes it: hoist classes come from the cache, and it says nothing about it at its default level.
        Path img = dir.resolve("src.img");
        CopyStartupTraining.writeImage(img);
        // (the launcher's entry for copy/verify, which reads a plain command line without loading picocli at all)
        String out = run(java(first.options, "-Xlog:class+load=info", "-cp", classPath, "io.hoist.cli.DiskCommands", "copy",
                "--no-progress", img.toString(), dir.resolve("dst.img").toString()), 0);
        assertThat(out).doesNotContain("[aot]").doesNotContain("[cds]").contains("verified sha256-4m");
        assertThat(out.lines().filter(l -> l.contains(" io.hoist.cli.DiskCommands ")).findFirst().orElseThrow())
                .contains("shared objects file");
        assertThat(out.lines().filter(l -> l.contains(" picocli.")).toList()).isEmpty();
        // Logging.configureCli replaces Logback's configuration, so logback.xml is not parsed first (SkipXmlWhenReplaced)
        assertThat(out.lines().filter(l -> l.contains("GenericXMLConfigurator") || l.contains("JoranConfigurator")).toList()).isEmpty();

        // A jar changes (a rebuild): the key no longer matches, so the cache is recorded again before it is used.
        Path someJar = Stream.of(classPath.split(":")).map(Path::of).filter(j -> j.startsWith(dir)).findFirst().orElseThrow();
        Files.setLastModifiedTime(someJar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(someJar).toMillis() + 5000));
        Result afterChange = options();
        assertThat(afterChange.err).contains("stale").contains("recording it");
        assertThat(afterChange.options).containsExactlyElementsOf(withCache());
        assertThat(Files.readString(cacheDir.resolve("copy.key"))).isNotEqualTo(key);
        String out2 = run(java(afterChange.options, "-cp", classPath, "io.hoist.cli.DiskCommands", "verify",
                dir.resolve("dst.img").toString()), 0);
        assertThat(out2).doesNotContain("[aot]").startsWith("sha256-4m:");
    }

    @Test
    void whileAnotherProcessRecordsItThisOneStartsWithoutTheCache() throws Exception {
        Files.createDirectories(cacheDir);
        Process holder = new ProcessBuilder("flock", cacheDir.resolve(".lock").toString(), "-c", "echo locked; sleep 600")
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            Result result = options();
            assertThat(result.options).containsExactlyElementsOf(COPY_FLAGS);
            assertThat(result.err).contains("another process is recording it");
            assertThat(cacheDir.resolve("copy.aot")).doesNotExist();
        } finally {
            holder.descendants().forEach(ProcessHandle::destroy);
            holder.destroy();
            holder.waitFor(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void hoistAotZeroTurnsItOff() throws Exception {
        Result result = options("HOIST_AOT=0");
        assertThat(result.options).containsExactlyElementsOf(COPY_FLAGS);
        assertThat(cacheDir).doesNotExist();
    }

    /** The JVM flags of every copy/verify start (scripts/transfer-aot.sh), with or without the cache. */
    private static final List<String> COPY_FLAGS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CompileThresholdScaling=10");

    private List<String> withCache() {
        List<String> all = new ArrayList<>(COPY_FLAGS);
        all.add("-XX:AOTCache=" + cacheDir.resolve("copy.aot"));
        return all;
    }

    private static List<String> java(List<String> options, String... rest) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(options);
        cmd.addAll(List.of(rest));
        return cmd;
    }

    private record Result(List<String> options, String err) {}

    /** Sources the launcher's script and calls it as {@code ./hoist} does (set -euo pipefail); HOIST_DEBUG=1 so it says what it did. */
    private Result options(String... env) throws Exception {
        Path errFile = dir.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of("env", "HOIST_DEBUG=1", "JAVA_HOME=" + System.getProperty("java.home")));
        cmd.addAll(List.of(env));
        cmd.addAll(List.of("bash", "-c", "set -euo pipefail; source \"$0\"; hoist_aot_options \"$1\" \"$2\"; printf '%s\\n' \"${HOIST_AOT_OPTS[@]}\"",
                script.toString(), cacheDir.toString(), classPath));
        Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(MINUTES, TimeUnit.MINUTES)).as("script finished").isTrue();
        assertThat(p.exitValue()).isZero();
        return new Result(out.lines().filter(l -> !l.isBlank()).toList(), Files.readString(errFile));
    }

    private String run(List<String> cmd, int expectedExit) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(MINUTES, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(expectedExit);
        return out;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts/transfer-aot.sh");
            if (Files.exists(s)) {
                return s;
            }
        }
        throw new IllegalStateException("scripts/transfer-aot.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static Path jarOf(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
