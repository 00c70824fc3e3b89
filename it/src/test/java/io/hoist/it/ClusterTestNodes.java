package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.store.postgresql.LeaderLease;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Two real {@code hoist serve --cluster} processes, node-a and node-b, on one throwaway PostgreSQL, as the cluster ITs
 * start them. Closing kills both nodes and stops PostgreSQL.
 */
final class ClusterTestNodes implements AutoCloseable {
    final PostgresTestServer pg;
    final String url;
    final Map<String, String> env;
    final CrashResumeIT.Child a;
    final CrashResumeIT.Child b;

    private ClusterTestNodes(PostgresTestServer pg, String url, Map<String, String> env, CrashResumeIT.Child a,
                             CrashResumeIT.Child b) {
        this.pg = pg;
        this.url = url;
        this.env = env;
        this.a = a;
        this.b = b;
    }

    /** Starts both nodes; {@code nodeArgs} gives each node's own flags after the cluster ones, by node name. */
    static ClusterTestNodes start(Path tmp, Function<String, List<String>> nodeArgs) throws Exception {
        PostgresTestServer pg = PostgresTestServer.create();
        List<CrashResumeIT.Child> started = new ArrayList<>();
        try {
            String url = pg.newDatabase();
            Map<String, String> env = Map.of("PGPASSWORD", pg.password());
            int hzA = CrashResumeIT.freePort();
            int hzB = CrashResumeIT.freePort();
            String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
            for (String name : List.of("node-a", "node-b")) {
                List<String> args = new ArrayList<>(List.of("--store", url, "--cluster", "--cluster-port",
                        Integer.toString(name.equals("node-a") ? hzA : hzB), "--cluster-members", members,
                        "--node-name", name));
                args.addAll(nodeArgs.apply(name));
                started.add(CrashResumeIT.Child.start(tmp.resolve(name), CrashResumeIT.freePort(), env, args));
            }
            return new ClusterTestNodes(pg, url, env, started.get(0), started.get(1));
        } catch (Exception | Error e) {
            for (CrashResumeIT.Child c : started) {
                c.kill();
            }
            pg.close();
            throw e;
        }
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

    @Override
    public void close() throws Exception {
        a.kill();
        b.kill();
        pg.close();
    }
}
