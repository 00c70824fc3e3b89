package io.hoist.cli;

import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hoist serve}: the platform (API, inventory, plugins, engine) on the embedded store until stopped. */
@Command(name = "serve", description = {
        "Run the platform: HTTP API, inventory, plugins and the migration engine.",
        "Plugins come from DATA/plugins and the built-in directory. Writes DATA/server.json (0600) with its URL,",
        "and DATA/token (0600) on first start; stops on SIGINT/SIGTERM.",
        "Serves https: with the user's --tls-cert/--tls-key, else with a CA and certificate made once in DATA/tls",
        "(ca.crt: what clients trust; 'hoist kubeconfig' embeds it). Plain http only with --plain-http (loopback only).",
        "Example: hoist serve --data-dir /var/lib/hoist --bind 0.0.0.0 --tls-san hoist.example.com"})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Store, token, server.json and plugins/ (default: ~/.hoist).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); anything but loopback needs TLS.")
    String bind;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server certificate (chain), PEM; with --tls-key serves https.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Server private key, PEM.")
    Path tlsKey;

    @Option(names = "--tls-san", paramLabel = "NAME",
            description = "Another DNS name or IP address for the generated certificate (repeatable; localhost, 127.0.0.1,"
                    + " ::1 and the host name are always in it).")
    java.util.List<String> tlsSans = new java.util.ArrayList<>();

    @Option(names = "--store", paramLabel = "URL",
            description = "Keep objects in PostgreSQL, shared by several nodes: postgresql://USER@HOST:PORT/DATABASE"
                    + " (password from PGPASSWORD or ~/.pgpass, never in the URL). Default: DATA/hoist.db (SQLite).")
    String store;

    @Option(names = "--cluster", description = "Join the other nodes sharing the --store: a clustered event bus"
            + " (Hazelcast, joined through --cluster-members); one elected node runs the controllers, every node serves the API.")
    boolean cluster;

    @Option(names = "--cluster-members", paramLabel = "HOST:PORT,...",
            description = "Nodes to join through (their --cluster-host:--cluster-port; this node's own may be listed)."
                    + " Default: this node only (the first node of a cluster).")
    String clusterMembers;

    @Option(names = "--cluster-host", paramLabel = "IP", defaultValue = "127.0.0.1",
            description = "IPv4 address of this machine the cluster manager and event bus bind and announce (default: ${DEFAULT-VALUE}).")
    String clusterHost;

    @Option(names = "--cluster-port", paramLabel = "PORT", defaultValue = "5701",
            description = "Cluster manager (Hazelcast) port on --cluster-host (default: ${DEFAULT-VALUE}); the event bus takes a free port.")
    int clusterPort;

    @Option(names = "--node-labels", paramLabel = "K=V,...", description = "Labels of this node: a source Provider annotated"
            + " hoist.io/node-selector: K=V,... has its VMs run only on nodes with all those labels.")
    String nodeLabels;

    @Option(names = "--node-max-disks", paramLabel = "N", description = "Disks this node copies at once (0: no cap of its"
            + " own); the leader gives each node VMs in proportion to it.")
    Integer nodeMaxDisks;

    @Option(names = "--node-bandwidth-mibps", paramLabel = "MIBPS", description = "All disk copies of this node together,"
            + " in MiB/s (its NIC's share; 0: no cap).")
    Double nodeBandwidthMibps;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This node's name among the nodes (default: host name, process id and a random part).")
    String nodeName;

    @Option(names = "--plain-http", description = "Serve plain http (loopback only; kubectl sends no token over http).")
    boolean plainHttp;

    /** The console's address and a one-time login link (it works once, within 15 minutes). */
    static String consoleLine(HoistServer.ConsoleLink link) {
        if (!link.present()) {
            return "console: not part of this build";
        }
        return "console: " + link.url() + "  (one-time login link, valid 15 minutes: " + link.loginLink() + ")";
    }

    @Override
    public Integer call() throws Exception {
        Path dir = (dataDir != null ? dataDir : ClientOptions.defaultDataDir()).toAbsolutePath();
        LogOptions log = LogOptions.current();
        // The server logs to DATA/logs/hoist.log and, from INFO (DEBUG with -vv), to stderr.
        io.hoist.core.server.logging.Logging.configureServer(dir, log.format(),
                io.hoist.core.server.logging.Logging.cliLevel(Math.max(1, log.verbosity())), log.levels());
        HoistServer.Builder b = HoistServer.builder().bind(bind).port(port).admission(new MtvAdmission());
        try {
            b.sharedStore(store);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        if (!cluster && (clusterMembers != null || nodeLabels != null || nodeName != null || nodeMaxDisks != null
                || nodeBandwidthMibps != null)) {
            throw new CliException("--cluster-members, --node-labels, --node-name, --node-max-disks and"
                    + " --node-bandwidth-mibps need --cluster");
        }
        if (cluster) {
            if (store == null) {
                throw new CliException("--cluster needs --store postgresql://USER@HOST:PORT/DATABASE: the nodes of a"
                        + " cluster keep their state in one PostgreSQL database, not in each node's DATA/hoist.db");
            }
            try {
                String name = nodeName != null ? nodeName
                        : java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid() + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 8);
                b.cluster(new io.hoist.core.cluster.ClusterSettings(clusterHost, clusterPort,
                        io.hoist.core.cluster.ClusterSettings.parseMembers(clusterMembers),
                        io.hoist.core.cluster.ClusterSettings.parseLabels(nodeLabels), name,
                        nodeMaxDisks == null ? 0 : nodeMaxDisks, nodeBandwidthMibps == null ? 0 : nodeBandwidthMibps));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new CliException("--tls-cert and --tls-key go together");
            }
            if (plainHttp || !tlsSans.isEmpty()) {
                throw new CliException((plainHttp ? "--plain-http" : "--tls-san") + " and --tls-cert exclude each other");
            }
            b.tls(tlsCert, tlsKey);
        } else if (plainHttp) {
            if (!tlsSans.isEmpty()) {
                throw new CliException("--tls-san and --plain-http exclude each other");
            }
        } else {
            b.generatedTls(tlsSans);
        }
        Platform platform;
        try {
            platform = Platform.create(b, dir).start();
        } catch (IllegalArgumentException | IllegalStateException | io.hoist.core.store.StoreException e) {
            // Bad options (non-loopback without TLS, unreadable key) and start failures (port taken) are one line.
            throw new CliException(e.getMessage());
        }
        // SIGTERM and SIGINT are the normal way to stop: handled here, so the platform closes in order (intake, engine
        // and status writer drained, plugins, store) on this thread and the process exits 0. The JVM's own handling
        // would end with 143/130 whatever the shutdown did.
        CountDownLatch signalled = new CountDownLatch(1);
        String[] signal = {"signal"};
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    signal[0] = "SIG" + sig.getName();
                    signalled.countDown();
                });
            } catch (IllegalArgumentException unsupported) {
                // the platform does not deliver this signal (or the JVM reserved it): the shutdown hook covers it
            }
        }
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        // Any other end of the JVM (SIGHUP, System.exit elsewhere) still closes the platform once.
        Thread hook = new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                platform.close();
            }
        }, "hoist-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("hoist serving on " + platform.server().url() + " (data: " + dir
                + ", token in " + dir.resolve("token") + ")");
        platform.server().generatedTls().ifPresent(tls -> spec.commandLine().getOut().println("tls: certificate by the"
                + " Hoist CA in " + tls.caCert() + (tls.createdCa() ? " (new)" : "") + "; 'hoist kubeconfig --data-dir "
                + dir + "' embeds it, other clients trust it with --cacert"));
        spec.commandLine().getOut().println(consoleLine(platform.server().consoleLink()));
        spec.commandLine().getOut().flush();
        signalled.await();
        long t0 = System.nanoTime();
        if (closed.compareAndSet(false, true)) {
            platform.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // nothing to remove
        }
        spec.commandLine().getOut().println("hoist stopped on " + signal[0] + " in "
                + java.time.Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
