package io.hoist.core.transfer.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real nbdkit server for a test, on a Unix socket or a loopback TCP port; stopped on close. */
public final class Nbdkit implements AutoCloseable {
    private final Process process;
    private final URI uri;
    private final int port;

    private Nbdkit(Process process, URI uri, int port) {
        this.process = process;
        this.uri = uri;
        this.port = port;
    }

    /** nbdkit on a Unix socket in {@code dir}; {@code args} are filters, plugin and plugin parameters. */
    public static Nbdkit unix(Path dir, String... args) throws IOException, InterruptedException {
        Path sock = dir.resolve("nbd-" + System.nanoTime() + ".sock");
        List<String> cmd = new ArrayList<>(List.of("nbdkit", "-f", "--exit-with-parent", "-U", sock.toString()));
        cmd.addAll(List.of(args));
        Process p = start(cmd);
        long deadline = System.nanoTime() + 120_000_000_000L;
        // The socket file appears at bind(), a moment before nbdkit listens: wait until a connection is accepted
        // (on a loaded machine the first client otherwise meets "Connection refused").
        while (!accepts(sock)) {
            checkAlive(p, deadline);
            Thread.sleep(20);
        }
        return new Nbdkit(p, URI.create("nbd+unix:///?socket=" + sock), -1);
    }

    private static boolean accepts(Path sock) {
        if (!Files.exists(sock)) {
            return false;
        }
        try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(sock))) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** nbdkit on a free loopback TCP port. */
    public static Nbdkit tcp(String... args) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("nbdkit", "-f", "--exit-with-parent", "-i", "127.0.0.1",
                "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = start(cmd);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            checkAlive(p, deadline);
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        return new Nbdkit(p, URI.create("nbd://127.0.0.1:" + port + "/"), port);
    }

    private static Process start(List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void checkAlive(Process p, long deadline) throws IOException {
        if (!p.isAlive()) {
            throw new IOException("nbdkit exited with " + p.exitValue());
        }
        if (System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IOException("nbdkit did not start within 10 s");
        }
    }

    public URI uri() {
        return uri;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
