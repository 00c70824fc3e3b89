package io.hoist.plugin.hooks.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server (Debian's openssh-server) standing in for "the migrated VM": its own host key, one
 * authorized client key (generated here; the hook gets the private half as its Secret), listening on a loopback
 * address. Stopped by {@link #close()}.
 */
public final class SshServerForTest implements AutoCloseable {
    public final String address;
    public final int port;
    public final String user;
    public final String clientPrivateKey;
    /** {@code [addr]:port key} lines for a known_hosts file. */
    public final String knownHosts;
    private final Process process;

    private SshServerForTest(String address, int port, String user, String clientPrivateKey, String knownHosts, Process process) {
        this.address = address;
        this.port = port;
        this.user = user;
        this.clientPrivateKey = clientPrivateKey;
        this.knownHosts = knownHosts;
        this.process = process;
    }

    /** On 127.0.0.1 and a free port. */
    public static SshServerForTest start(Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return start(dir, "127.0.0.1", port);
    }

    public static SshServerForTest start(Path dir, String address, int port) throws Exception {
        Files.createDirectories(dir);
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString()));
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("client_key").toString()));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        Files.setPosixFilePermissions(dir.resolve("authorized_keys"), PosixFilePermissions.fromString("rw-------"));
        String user = System.getProperty("user.name");
        if (isRoot()) {
            Files.createDirectories(Path.of("/run/sshd")); // privilege separation directory
        }
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress " + address + ":" + port,
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "PidFile " + dir.resolve("sshd.pid"),
                "Subsystem sftp internal-sftp",
                "") );
        Process p = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 500);
                break;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    p.destroyForcibly();
                    throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(100);
            }
        }
        String hostPub = Files.readString(dir.resolve("host_key.pub")).strip().split(" ")[0] + " "
                + Files.readString(dir.resolve("host_key.pub")).strip().split(" ")[1];
        String hostName = port == 22 ? address : "[" + address + "]:" + port;
        return new SshServerForTest(address, port, user, Files.readString(dir.resolve("client_key")),
                hostName + " " + hostPub + "\n", p);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }
}
