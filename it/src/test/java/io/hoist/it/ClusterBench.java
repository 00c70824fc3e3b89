package io.hoist.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.postgresql.LeaderLease;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster bench (bench/cluster/run.sh; not a test): the same OVA VMs, spread over {@code hosts} source providers
 * (each its own source host, namespace and plan: a host's {@code controller_max_vm_inflight} of 2 holds across the
 * cluster, so one host alone cannot keep more than 2 disks copying however many nodes there are), migrated by one
 * process ({@code hoist serve --store postgresql://...} without {@code --cluster}, 2 disks at once by
 * {@code controller_max_disks_inflight_total}, no bandwidth cap: the machine's own ceiling) and by clusters of 1, 2
 * and 3 nodes, each node capped by {@code --node-bandwidth-mibps} (its "NIC") and {@code --node-max-disks 2}. Prints
 * per mode: time, throughput, CPU of all Hoist processes per VM, PostgreSQL row writes per VM, and the VMs each node
 * ran by their {@code Placed} condition.
 */
public final class ClusterBench {
    public static void main(String[] args) throws Exception {
        int vms = Integer.getInteger("vms", 6);
        int mib = Integer.getInteger("mib", 64);
        int mibps = Integer.getInteger("mibps", 8);
        int hosts = Integer.getInteger("hosts", 3);
        String modes = System.getProperty("modes", "single,1,2,3");
        Path tmp = Files.createTempDirectory("hoist-cluster-bench");
        List<Path> ovaDirs = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        for (int h = 0; h < hosts; h++) {
            ovaDirs.add(Files.createDirectories(tmp.resolve("ova-" + h)));
            names.add(new ArrayList<>());
        }
        for (int i = 0; i < vms; i++) {
            String name = "bench-vm-" + i;
            names.get(i % hosts).add(name);
            Appliances.build(ovaDirs.get(i % hosts), name, mib, 4242 + i, String.format("00:50:56:8a:30:%02x", i));
        }
        System.out.printf(Locale.ROOT, "%d VMs of %d MiB from %d source hosts (2 disks at once each), each node capped at"
                + " %d MiB/s and 2 disks at once; the single process at 2 disks at once%n", vms, mib, hosts, mibps);
        System.out.printf(Locale.ROOT, "%-8s %9s %12s %12s %16s%n", "mode", "time s", "MiB/s", "CPU s/VM", "row writes/VM");
        try (PostgresTestServer pg = PostgresTestServer.create()) {
            for (String mode : modes.split(",")) {
                run(pg, tmp.resolve("run-" + mode), ovaDirs, names, mib, mibps, mode.trim());
            }
        }
    }

    private static void run(PostgresTestServer pg, Path dir, List<Path> ovaDirs, List<List<String>> names, int mib, int mibps,
                            String mode) throws Exception {
        int vms = names.stream().mapToInt(List::size).sum();
        String url = pg.newDatabase();
        Map<String, String> env = Map.of("PGPASSWORD", pg.password());
        Path target = Files.createDirectories(dir.resolve("target"));
        boolean single = mode.equals("single");
        int n = single ? 1 : Integer.parseInt(mode);
        List<CrashResumeIT.Child> nodes = new ArrayList<>();
        List<Integer> hz = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hz.add(CrashResumeIT.freePort());
        }
        String members = String.join(",", hz.stream().map(p -> "127.0.0.1:" + p).toList());
        try {
            for (int i = 0; i < n; i++) {
                List<String> opts = new ArrayList<>(List.of("--store", url));
                if (!single) {
                    opts.addAll(List.of("--cluster", "--cluster-port", Integer.toString(hz.get(i)), "--cluster-members", members,
                            "--node-name", "node-" + i, "--node-max-disks", "2", "--node-bandwidth-mibps", Integer.toString(mibps)));
                }
                nodes.add(CrashResumeIT.Child.start(dir.resolve("node-" + i), CrashResumeIT.freePort(), env, opts));
            }
            PostgresLocation loc = PostgresLocation.parse(url, env);
            String leader;
            try (PostgresResourceStore store = PostgresResourceStore.open(loc)) {
                LeaderLease lease = new LeaderLease(store, "bench");
                LeaderLease.State s = lease.current();
                while (!(s.valid() && !s.holder().isEmpty())) {
                    Thread.sleep(200);
                    s = lease.current();
                }
                leader = s.holder();
            }
            CrashResumeIT.Child lead = single ? nodes.get(0) : nodes.get(Integer.parseInt(leader.substring("node-".length())));
            ApiClient api = lead.client();
            if (!single) {
                awaitMembers(nodes, n);
            }
            // one namespace per source host: its OVA provider (a host of its own), maps and plan. Measured from the
            // first Migration's creation: provider inventory and plan validation are not timed.
            String spec = "controller_max_vm_inflight: 2" + (single ? ", controller_max_disks_inflight_total: 2" : "");
            for (int h = 0; h < ovaDirs.size(); h++) {
                MigrationSetup.ovaProviderAndMaps(api, "bench-" + h, ovaDirs.get(h),
                        Files.createDirectories(target.resolve("h" + h)), spec);
                MigrationSetup.readyPlan(api, "bench-" + h, "bench", "migrated", MigrationSetup.GuestConversion.SKIP,
                        names.get(h));
            }
            long cpuBefore = cpuMillis(nodes);
            long writesBefore = rowWrites(loc);
            long t0 = System.nanoTime();
            for (int h = 0; h < ovaDirs.size(); h++) {
                MigrationSetup.migrate(api, "bench-" + h, "bench");
            }
            List<JsonNode> plans = new ArrayList<>();
            for (int h = 0; h < ovaDirs.size(); h++) {
                JsonNode plan = api.get(ResourceKind.PLAN, "bench-" + h, "bench");
                while (!CrashResumeIT.isTrue(plan, "Succeeded") && !CrashResumeIT.isTrue(plan, "Failed")) {
                    Thread.sleep(250);
                    plan = api.get(ResourceKind.PLAN, "bench-" + h, "bench");
                }
                plans.add(plan);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(1500); // PostgreSQL's statistics reach other sessions within about a second
            long writes = rowWrites(loc) - writesBefore;
            long cpu = cpuMillis(nodes) - cpuBefore;
            String label = single ? "single" : n + " node" + (n > 1 ? "s" : "");
            Map<String, Long> placed = new java.util.TreeMap<>();
            for (JsonNode plan : plans) {
                if (!CrashResumeIT.isTrue(plan, "Succeeded")) {
                    System.out.println(label + ": the migration failed: " + plan.path("status").path("conditions"));
                    return;
                }
                ClusterWorkerKillIT.placements(plan).values().forEach(node -> placed.merge(node, 1L, Long::sum));
            }
            System.out.printf(Locale.ROOT, "%-8s %9.1f %12.1f %12.2f %16.1f   Placed: %d of %d VMs %s%n", label, seconds,
                    vms * (double) mib / seconds, cpu / 1000.0 / vms, writes / (double) vms,
                    placed.values().stream().mapToLong(Long::longValue).sum(), vms, placed);
        } finally {
            for (CrashResumeIT.Child c : nodes) {
                c.kill();
            }
        }
    }

    /** CPU time of the node processes so far (the JVMs, whose total includes their start). */
    private static long cpuMillis(List<CrashResumeIT.Child> nodes) {
        return nodes.stream().mapToLong(c -> c.process().info().totalCpuDuration().orElse(Duration.ZERO).toMillis()).sum();
    }

    /** Rows inserted, updated and deleted in the database's tables so far. */
    private static long rowWrites(PostgresLocation loc) throws Exception {
        try (Connection c = DriverManager.getConnection(loc.jdbcUrl(), loc.user(), loc.password());
             ResultSet r = c.createStatement().executeQuery(
                     "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) from pg_stat_user_tables")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Waits until every node's log shows the cluster of {@code n} members (Hazelcast logs each new member list). */
    private static void awaitMembers(List<CrashResumeIT.Child> nodes, int n) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (CrashResumeIT.Child c : nodes) {
            while (!Files.readString(c.data().resolve("child.log")).contains("Members {size:" + n + ",")) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("node in " + c.data() + " never saw " + n + " members");
                }
                Thread.sleep(200);
            }
        }
    }
}
