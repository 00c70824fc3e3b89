package io.hoist.plugin.vsphere.disk;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One nbdkit process serving on a Unix socket; closing it stops the process and removes its directory. */
public final class NbdkitProcess implements NbdExports.Export {
    private final Process process;
    private final Path socket;
    private final Path dir;

    private NbdkitProcess(Process process, Path socket, Path dir) {
        this.process = process;
        this.socket = socket;
        this.dir = dir;
    }

    /** Unix socket paths are limited to 107 bytes (sun_path); a deep data directory exceeds that. */
    static final int MAX_SOCKET_PATH = 100;

    /**
     * A new private directory for one export (socket {@code nbd.sock}, log, password file): under
     * {@code workDir} when the socket path fits a Unix socket address, else under the system temp
     * directory (created 0700, removed when the export closes).
     */
    public static Path exportDir(Path workDir, String prefix) throws IOException {
        Path dir = Files.createTempDirectory(workDir, prefix);
        if (dir.resolve("nbd.sock").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
            return dir;
        }
        Files.delete(dir);
        return Files.createTempDirectory("hoist-" + prefix);
    }

    /** Starts {@code command} and waits until its socket exists (or the process ends). */
    public static NbdkitProcess start(List<String> command, Path socket, Path dir) throws IOException {
        Path log = dir.resolve("nbdkit.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                String out = Files.exists(log) ? Files.readString(log) : "";
                throw new IOException("nbdkit did not start (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "): "
                        + out.lines().limit(5).reduce("", (a, b) -> a + b + "; "));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted while starting nbdkit", e);
            }
        }
        return new NbdkitProcess(p, socket, dir);
    }

    @Override
    public URI uri() {
        // the socket path is percent-encoded so a work directory with spaces still makes a valid URI
        return URI.create("nbd+unix:///?socket=" + java.net.URLEncoder.encode(socket.toString(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp dir holds no secret once the password file is gone
        }
    }
}
