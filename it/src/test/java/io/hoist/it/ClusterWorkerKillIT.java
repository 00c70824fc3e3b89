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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes on one PostgreSQL migrate 4 OVA VMs: the leader places them on
 * both nodes (each node copies one disk at a time, capped at 16 MiB/s, so the copies last seconds), and the node that
 * does not lead is killed with SIGKILL while it copies. Its VMs must finish on the surviving node, every target disk
 * equal to its source, exactly one target VM per source VM. Costs about a minute (two JVM starts, the copies, the
 * 5 s until the cluster drops the killed member).
 */
class ClusterWorkerKillIT {
    static final int VMS = 4;
    static final long SEED = 20261204L;

    @Test
    void aWorkerKilledMidCopyHasItsVmsFinishedByAnotherNode(@TempDir Path tmp) throws Exception {
        Path ovaDir = Files.createDirectories(tmp.resolve("ova"));
        Path target = Files.createDirectories(tmp.resolve("target"));
        List<String> names = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < VMS; i++) {
            String name = "spread-vm-" + i;
            Path ova = Appliances.build(ovaDir, name, 48, SEED + i, String.format("00:50:56:8a:20:%02x", i));
            names.add(name);
            expected.add(Appliances.rawSha256(ova, name, tmp.resolve("work")));
        }
        List<CrashResumeIT.Child> children = new ArrayList<>();
        try (PostgresTestServer pg = PostgresTestServer.create()) {
            String url = pg.newDatabase();
            Map<String, String> env = Map.of("PGPASSWORD", pg.password());
            int hzA = CrashResumeIT.freePort();
            int hzB = CrashResumeIT.freePort();
            String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
            CrashResumeIT.Child a = node(tmp, "node-a", hzA, members, url, env);
            children.add(a);
            CrashResumeIT.Child b = node(tmp, "node-b", hzB, members, url, env);
            children.add(b);

            String leaderName;
            try (PostgresResourceStore store = PostgresResourceStore.open(PostgresLocation.parse(url, env))) {
                LeaderLease lease = new LeaderLease(store, "this-test"); // reads the row only
                LeaderLease.State s = lease.current();
                long end = System.nanoTime() + 180_000_000_000L;
                while (!(s.valid() && !s.holder().isEmpty())) {
                    assertThat(System.nanoTime()).as("a leader within 3 minutes").isLessThan(end);
                    Thread.sleep(200);
                    s = lease.current();
                }
                leaderName = s.holder();
            }
            CrashResumeIT.Child leader = leaderName.equals("node-a") ? a : b;
            CrashResumeIT.Child worker = leader == a ? b : a;
            String workerName = leader == a ? "node-b" : "node-a";
            ApiClient api = leader.client();
            String ns = "spread";
            MigrationSetup.ovaToFolder(api, ns, ovaDir, target, "spread", names);

            // both nodes run VMs; the worker is killed while one of its VMs copies
            long end = System.nanoTime() + 300_000_000_000L;
            Map<String, String> placedBeforeKill;
            while (true) {
                JsonNode plan = api.get(ResourceKind.PLAN, ns, "spread");
                placedBeforeKill = placements(plan);
                if (new HashSet<>(placedBeforeKill.values()).size() == 2 && copying(plan, workerName)) {
                    break;
                }
                assertThat(CrashResumeIT.isTrue(plan, "Succeeded") || CrashResumeIT.isTrue(plan, "Failed"))
                        .as("the plan ended before the worker copied: " + placedBeforeKill).isFalse();
                assertThat(System.nanoTime()).as("VMs on both nodes, one copying on " + workerName + ": " + placedBeforeKill)
                        .isLessThan(end);
                Thread.sleep(100);
            }
            worker.kill();
            Set<String> workersVms = new HashSet<>();
            placedBeforeKill.forEach((vm, node) -> {
                if (node.equals(workerName)) {
                    workersVms.add(vm);
                }
            });

            JsonNode plan = api.get(ResourceKind.PLAN, ns, "spread");
            while (!CrashResumeIT.isTrue(plan, "Succeeded") && !CrashResumeIT.isTrue(plan, "Failed")) {
                assertThat(System.nanoTime()).as("migration ended: " + plan.path("status")).isLessThan(end);
                Thread.sleep(300);
                plan = api.get(ResourceKind.PLAN, ns, "spread");
            }
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            Map<String, String> placedAtEnd = placements(plan);
            System.out.println("ClusterWorkerKillIT: leader " + leaderName + ", before the kill " + placedBeforeKill
                    + ", at the end " + placedAtEnd);
            assertThat(workersVms).as("VMs the killed worker had").isNotEmpty();
            for (String vm : workersVms) {
                assertThat(placedAtEnd.get(vm)).as("node of " + vm + " after its worker was killed").isEqualTo(leaderName);
            }
            try (Stream<Path> dirs = Files.list(target.resolve("migrated"))) {
                assertThat(dirs.count()).as("one target VM per source VM").isEqualTo(VMS);
            }
            for (int i = 0; i < VMS; i++) {
                Path vmDir = target.resolve("migrated").resolve(names.get(i));
                try (Stream<Path> files = Files.list(vmDir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().startsWith("virtualmachine")).count())
                            .as("target VM definitions of " + names.get(i)).isEqualTo(1);
                }
                Path image = Appliances.onlyDiskImage(vmDir);
                assertThat(image).as("the disk image of " + names.get(i)).isNotNull();
                assertThat(Appliances.sha256(image)).as(names.get(i)).isEqualTo(expected.get(i));
            }
        } finally {
            for (CrashResumeIT.Child c : children) {
                c.kill();
            }
        }
    }

    /** A node of the test clusters: one disk at a time, 16 MiB/s, so a 48 MiB copy lasts seconds. */
    static CrashResumeIT.Child node(Path tmp, String name, int hzPort, String members, String url,
                                            Map<String, String> env) throws Exception {
        return CrashResumeIT.Child.start(tmp.resolve(name), CrashResumeIT.freePort(), env,
                List.of("--store", url, "--cluster", "--cluster-port", Integer.toString(hzPort), "--cluster-members", members,
                        "--node-name", name, "--node-max-disks", "1", "--node-bandwidth-mibps", "16"));
    }

    /** VM name to the node its Placed condition names. */
    static Map<String, String> placements(JsonNode plan) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            for (JsonNode c : vm.path("conditions")) {
                if ("Placed".equals(c.path("type").asText())) {
                    String msg = c.path("message").asText();
                    out.put(vm.path("name").asText(), msg.substring(msg.lastIndexOf(' ') + 1));
                }
            }
        }
        return out;
    }

    /** Whether a VM placed on {@code node} (any node: null) is in its disk transfer, partly copied. */
    static boolean copying(JsonNode plan, String node) {
        Map<String, String> placed = placements(plan);
        for (JsonNode vm : plan.path("status").path("migration").path("vms")) {
            String on = placed.get(vm.path("name").asText());
            if (on == null || node != null && !node.equals(on)) {
                continue;
            }
            for (JsonNode step : vm.path("pipeline")) {
                if ("DiskTransfer".equals(step.path("name").asText()) && step.path("completed").isMissingNode()
                        && step.path("progress").path("completed").asLong() > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
