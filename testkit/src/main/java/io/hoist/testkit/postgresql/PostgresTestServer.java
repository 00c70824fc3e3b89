package io.hoist.testkit.postgresql;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real, throwaway PostgreSQL (Debian's {@code postgresql} package): a cluster made with {@code initdb} in a temp
 * folder, password authentication, listening on 127.0.0.1 and a free port, started and stopped with {@code pg_ctl}.
 * As root (CI) the server runs as the {@code postgres} user, because PostgreSQL refuses to run as root.
 */
public final class PostgresTestServer implements AutoCloseable {
    private static final String USER = "hoist";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private final Path data;
    private final String bin;
    private final boolean asPostgres;
    private final int port;
    private final String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    /** Where the server listens besides 127.0.0.1 (an address of this machine), or null. */
    private final String alsoListenOn;

    private PostgresTestServer(String alsoListenOn, String clientNetwork) throws IOException, InterruptedException {
        this.alsoListenOn = alsoListenOn;
        bin = findBin();
        asPostgres = "root".equals(System.getProperty("user.name"));
        dir = Files.createTempDirectory("hoist-pg-");
        data = dir.resolve("data");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path pwfile = dir.resolve("pw");
        Files.writeString(pwfile, password + "\n");
        if (asPostgres) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        }
        run(command(bin + "/initdb", "-D", data.toString(), "-U", USER, "--pwfile=" + pwfile, "--auth=scram-sha-256",
                "--encoding=UTF8", "--locale=C.UTF-8"));
        Files.deleteIfExists(pwfile);
        if (clientNetwork != null) {
            Files.writeString(data.resolve("pg_hba.conf"), "host all all " + clientNetwork + " scram-sha-256\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        start();
    }

    /** Makes and starts a new cluster (a few seconds). */
    public static PostgresTestServer create() throws IOException, InterruptedException {
        return new PostgresTestServer(null, null);
    }

    /**
     * As {@link #create()}, also listening on {@code address} (one of this machine's, e.g. a bridge to network
     * namespaces) and taking password logins from {@code clientNetwork} (CIDR).
     */
    public static PostgresTestServer create(String address, String clientNetwork) throws IOException, InterruptedException {
        return new PostgresTestServer(address, clientNetwork);
    }

    /** {@link #url} with {@link #create(String, String)}'s other address as the host. */
    public String url(String database, String host) {
        return "postgresql://" + USER + "@" + host + ":" + port + "/" + database;
    }

    /** Starts the server (again, after {@link #stop}). */
    public void start() throws IOException, InterruptedException {
        run(command(bin + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "120",
                // fsync off: a throwaway cluster need not survive a power cut, and the tests' restarts are clean stops
                "-o", "-p " + port + " -c listen_addresses=127.0.0.1" + (alsoListenOn == null ? "" : "," + alsoListenOn)
                        + " -c fsync=off -k " + dir, "start"));
    }

    /** Stops the server as an administrator would ({@code pg_ctl stop -m fast}: sessions are cut). */
    public void stop() throws IOException, InterruptedException {
        run(command(bin + "/pg_ctl", "-D", data.toString(), "-w", "-t", "120", "-m", "fast", "stop"));
    }

    /**
     * A new empty database; returns its URL as {@code hoist serve --store} takes it. The password is
     * {@link #password()} (give it as PGPASSWORD).
     */
    public String newDatabase() throws IOException, InterruptedException {
        String name = "hoist_test_" + DATABASES.incrementAndGet();
        ProcessBuilder pb = new ProcessBuilder(bin + "/createdb", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                "--strategy=file_copy", name); // file_copy: quicker than WAL_LOG for a small template
        pb.environment().put("PGPASSWORD", password);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("createdb " + name + " failed: " + out);
        }
        return url(name);
    }

    public String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } catch (IOException stoppedAlready) {
            // a test may have stopped it
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out + log);
        }
    }

    private static String findBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                        .orElse(null);
                if (newest != null) {
                    return newest.resolve("bin").toString();
                }
            }
        }
        throw new IOException("PostgreSQL is not installed (Debian: apt-get install postgresql); ./test.sh installs it");
    }
}
