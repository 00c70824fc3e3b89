package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.postgresql.LeaderLease;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Two real {@code hoist serve --cluster} processes, node-a and node-b, on one throwaway PostgreSQL, as the cluster ITs
 * start them: on the loopback, or each in a network namespace of its own ({@link NetworkNamespaces}) so that one can be
 * cut off from the other. A node can be restarted (SIGTERM, then started again with the same flags and data).
 * Closing kills both nodes, stops PostgreSQL and removes the namespaces.
 */
final class ClusterTestNodes implements AutoCloseable {
    final PostgresTestServer pg;
    final String url;
    final Map<String, String> env;
    CrashResumeIT.Child a;
    CrashResumeIT.Child b;
    private final Path tmp;
    private final Map<String, Launch> launches;
    /** The nodes' namespaces; null when they share the loopback. */
    private final NetworkNamespaces network;

    /** How a node is started: the command prefix, the address it serves on, its API port and its flags. */
    private record Launch(List<String> prefix, String host, int port, List<String> args) {}

    private ClusterTestNodes(PostgresTestServer pg, String url, Map<String, String> env, Path tmp,
                             Map<String, Launch> launches, NetworkNamespaces network) {
        this.pg = pg;
        this.url = url;
        this.env = env;
        this.tmp = tmp;
        this.launches = launches;
        this.network = network;
    }

    /** Starts both nodes on the loopback; {@code nodeArgs} gives each node's own flags after the cluster ones, by name. */
    static ClusterTestNodes start(Path tmp, Function<String, List<String>> nodeArgs) throws Exception {
        PostgresTestServer pg = PostgresTestServer.create();
        try {
            String url = pg.newDatabase();
            int hzA = CrashResumeIT.freePort();
            int hzB = CrashResumeIT.freePort();
            String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
            Map<String, Launch> launches = new LinkedHashMap<>();
            for (String name : NAMES) {
                List<String> args = new ArrayList<>(List.of("--store", url, "--cluster", "--cluster-port",
                        Integer.toString(name.equals("node-a") ? hzA : hzB), "--cluster-members", members,
                        "--node-name", name));
                args.addAll(nodeArgs.apply(name));
                launches.put(name, new Launch(List.of(), "127.0.0.1", CrashResumeIT.freePort(), args));
            }
            return startAll(new ClusterTestNodes(pg, url, Map.of("PGPASSWORD", pg.password()), tmp, launches, null));
        } catch (Exception | Error e) {
            pg.close();
            throw e;
        }
    }

    /**
     * Starts both nodes each in a network namespace of its own, PostgreSQL listening on the bridge between them;
     * fails naming the tool when {@code ip} or {@code iptables} is missing.
     */
    static ClusterTestNodes startInNamespaces(Path tmp, Function<String, List<String>> nodeArgs) throws Exception {
        NetworkNamespaces network = new NetworkNamespaces(NAMES);
        PostgresTestServer pg = null;
        try {
            pg = PostgresTestServer.create(network.hostAddress(), network.cidr());
            String local = pg.newDatabase();
            String url = pg.url(local.substring(local.lastIndexOf('/') + 1), network.hostAddress());
            // each namespace has its own ports: the same ones on every node
            String members = network.address("node-a") + ":5701," + network.address("node-b") + ":5701";
            Map<String, Launch> launches = new LinkedHashMap<>();
            for (String name : NAMES) {
                String address = network.address(name);
                List<String> args = new ArrayList<>(List.of("--store", url, "--cluster",
                        "--cluster-host", address, "--cluster-port", "5701", "--cluster-members", members,
                        "--node-name", name));
                args.addAll(nodeArgs.apply(name));
                launches.put(name, new Launch(network.exec(name), address, 8080, args));
            }
            return startAll(new ClusterTestNodes(pg, url, Map.of("PGPASSWORD", pg.password()), tmp, launches, network));
        } catch (Exception | Error e) {
            if (pg != null) {
                pg.close();
            }
            network.close();
            throw e;
        }
    }

    private static final List<String> NAMES = List.of("node-a", "node-b");

    /** Node flags for copies that last long enough to act during them: one disk at a time, 1 MiB/s per node. */
    static final List<String> SLOW_NODES = List.of("--node-max-disks", "1", "--node-bandwidth-mibps", "1");

    private static ClusterTestNodes startAll(ClusterTestNodes nodes) throws Exception {
        try {
            for (String name : NAMES) {
                nodes.launch(name);
            }
            return nodes;
        } catch (Exception | Error e) {
            nodes.killNodes();
            throw e;
        }
    }

    private void launch(String name) throws Exception {
        Launch l = launches.get(name);
        CrashResumeIT.Child c = CrashResumeIT.Child.start(l.prefix(), l.host(), tmp.resolve(name), l.port(), env, l.args());
        if (name.equals("node-a")) {
            a = c;
        } else {
            b = c;
        }
    }

    /** Stops {@code name} with SIGTERM and starts it again with the same flags and data; returns once it serves. */
    void restart(String name) throws Exception {
        node(name).stop();
        launch(name);
    }

    /** The nodes' namespaces (only with {@link #startInNamespaces}). */
    NetworkNamespaces network() {
        if (network == null) {
            throw new IllegalStateException("these nodes share the loopback: start them with startInNamespaces");
        }
        return network;
    }

    /** A migration under way on these nodes: its VMs, target folder, namespace (= plan name) and who runs what. */
    record Migration(MigrationSetup.OvaVms vms, Path target, String ns, String leader, String worker,
                     Map<String, String> placedOnStart) {}

    /**
     * Migrates {@code count} OVA VMs {@code name-vm-N} of {@code mib} MiB disks (seeded by {@code seed}, MACs with
     * {@code macByte}) to a folder, as the Plan {@code name} in namespace {@code name} made through the leader; returns
     * once VMs are placed on both nodes and the worker (the node that does not lead) copies one.
     */
    Migration migrateUntilTheWorkerCopies(String name, int count, int mib, long seed, int macByte) throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        MigrationSetup.OvaVms vms = MigrationSetup.OvaVms.build(tmp, name + "-vm", count, seed, macByte, mib);
        String leader = leaderName();
        String worker = other(leader);
        ApiClient api = node(leader).client();
        MigrationSetup.ovaToFolder(api, name, vms.dir(), target, name, vms.names());
        return new Migration(vms, target, name, leader, worker, awaitPlacedOnBothAndCopyingOn(api, name, name, worker));
    }

    /**
     * Waits until the plan's VMs are placed on both nodes and one on {@code node} is copying; returns the VM → node
     * placements then. Fails if the plan ends first or after 5 minutes.
     */
    static Map<String, String> awaitPlacedOnBothAndCopyingOn(ApiClient api, String ns, String plan, String node)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            JsonNode p = api.get(ResourceKind.PLAN, ns, plan);
            Map<String, String> placed = ClusterWorkerKillIT.placements(p);
            if (new HashSet<>(placed.values()).size() == 2 && ClusterWorkerKillIT.copying(p, node)) {
                return placed;
            }
            assertThat(CrashResumeIT.isTrue(p, "Succeeded") || CrashResumeIT.isTrue(p, "Failed"))
                    .as("the plan ended before " + node + " copied: " + placed).isFalse();
            assertThat(System.nanoTime()).as("VMs on both nodes, one copying on " + node + ": " + placed).isLessThan(end);
            Thread.sleep(100);
        }
    }

    /** Waits up to 5 minutes for the plan to succeed or fail; returns it. */
    static JsonNode awaitEnd(ApiClient api, String ns, String plan) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        JsonNode p = api.get(ResourceKind.PLAN, ns, plan);
        while (!CrashResumeIT.isTrue(p, "Succeeded") && !CrashResumeIT.isTrue(p, "Failed")) {
            assertThat(System.nanoTime()).as("migration ended: " + p.path("status")).isLessThan(end);
            Thread.sleep(300);
            p = api.get(ResourceKind.PLAN, ns, plan);
        }
        return p;
    }

    /**
     * Copies both nodes' logs to {@code target/<test>-logs} (the temp folder goes with the test; the logs say what
     * happened and when).
     */
    static void keepLogs(Path tmp, String test) throws java.io.IOException {
        Path kept = Files.createDirectories(Path.of("target", test + "-logs"));
        for (String node : List.of("node-a", "node-b")) {
            Path log = tmp.resolve(node).resolve("child.log");
            if (Files.exists(log)) {
                Files.copy(log, kept.resolve(node + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.err.println(test + ": the nodes' logs are in " + kept.toAbsolutePath());
    }

    /** The node named {@code name}. */
    CrashResumeIT.Child node(String name) {
        return name.equals("node-a") ? a : b;
    }

    /** The other node's name. */
    static String other(String name) {
        return name.equals("node-a") ? "node-b" : "node-a";
    }

    /**
     * The most leading blocks any checkpoint of VM {@code vmId} holds in the nodes' shared store (its rows are keyed
     * migration/vm/disk with other characters than {@code [A-Za-z0-9._-]} as '_'), 0 when there is none.
     */
    int checkpointedBlocks(String vmId) throws Exception {
        PostgresLocation db = PostgresLocation.parse(url, env);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT coalesce(max(blocks_done), 0) FROM transfer_checkpoints WHERE disk_key LIKE ?")) {
            ps.setString(1, "%\\_" + vmId.replaceAll("[^A-Za-z0-9._-]", "_").replace("_", "\\_") + "\\_%");
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A new connection to the nodes' store (to read the leader lease). */
    PostgresResourceStore openStore() throws Exception {
        return PostgresResourceStore.open(PostgresLocation.parse(url, env));
    }

    /** Waits up to 3 minutes for the lease row to reach a wanted state (reads only: this test never leads). */
    static LeaderLease.State awaitLease(LeaderLease lease, Predicate<LeaderLease.State> wanted) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        LeaderLease.State s = lease.current();
        while (!wanted.test(s)) {
            assertThat(System.nanoTime()).as("leader lease reached the expected state within 3 minutes; last: " + s)
                    .isLessThan(end);
            Thread.sleep(200);
            s = lease.current();
        }
        return s;
    }

    /** The name of the node holding a valid lease, waiting up to 3 minutes for one. */
    String leaderName() throws Exception {
        try (PostgresResourceStore store = openStore()) {
            return awaitLease(new LeaderLease(store, "this-test"), s -> s.valid() && !s.holder().isEmpty()).holder();
        }
    }

    private void killNodes() throws InterruptedException {
        for (CrashResumeIT.Child c : new CrashResumeIT.Child[] {a, b}) {
            if (c != null) {
                c.kill();
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            killNodes();
            pg.close();
        } finally {
            if (network != null) {
                network.close();
            }
        }
    }
}
