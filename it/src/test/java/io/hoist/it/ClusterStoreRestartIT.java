package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes migrate 4 OVA VMs while their PostgreSQL is stopped (sessions cut,
 * {@code pg_ctl stop -m fast}) for 5 s in the middle of the copies and started again: the nodes reconnect, the
 * migration completes with every target disk equal to its source and one target VM per source VM, and an object the
 * API had acknowledged just before the stop is still there. Costs about a minute.
 */
class ClusterStoreRestartIT {
    @Test
    void theNodesCarryOnAfterPostgresqlRestarts(@TempDir Path tmp) throws Exception {
        Path ovaDir = Files.createDirectories(tmp.resolve("ova"));
        Path target = Files.createDirectories(tmp.resolve("target"));
        List<String> names = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ClusterWorkerKillIT.VMS; i++) {
            String name = "restart-vm-" + i;
            Path ova = Appliances.build(ovaDir, name, 48, 7700L + i, String.format("00:50:56:8a:40:%02x", i));
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
            children.add(ClusterWorkerKillIT.node(tmp, "node-a", hzA, members, url, env));
            children.add(ClusterWorkerKillIT.node(tmp, "node-b", hzB, members, url, env));
            ApiClient api = children.get(0).client();
            String ns = "restart";
            MigrationSetup.ovaToFolder(api, ns, ovaDir, target, "restart", names);

            long end = System.nanoTime() + 300_000_000_000L;
            JsonNode plan = api.get(ResourceKind.PLAN, ns, "restart");
            while (!ClusterWorkerKillIT.copying(plan, null)) {
                assertThat(System.nanoTime()).as("a VM copying: " + plan.path("status")).isLessThan(end);
                Thread.sleep(100);
                plan = api.get(ResourceKind.PLAN, ns, "restart");
            }
            CrashResumeIT.apply(api, ns, """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: acknowledged, namespace: %s}
                    data: {written: before-the-restart}
                    """.formatted(ns));
            pg.stop();
            Thread.sleep(5000);
            pg.start();

            plan = null;
            while (plan == null || !CrashResumeIT.isTrue(plan, "Succeeded") && !CrashResumeIT.isTrue(plan, "Failed")) {
                assertThat(System.nanoTime()).as("migration ended: " + (plan == null ? "" : plan.path("status"))).isLessThan(end);
                Thread.sleep(300);
                try {
                    plan = api.get(ResourceKind.PLAN, ns, "restart");
                } catch (RuntimeException storeNotBackYet) {
                    plan = null;
                }
            }
            assertThat(CrashResumeIT.isTrue(plan, "Succeeded")).as("plan status: " + plan.path("status")).isTrue();
            assertThat(api.get(ResourceKind.CONFIG_MAP, ns, "acknowledged").path("data").path("written").asText())
                    .isEqualTo("before-the-restart");
            System.out.println("ClusterStoreRestartIT: placed " + ClusterWorkerKillIT.placements(plan));
            try (Stream<Path> dirs = Files.list(target.resolve("migrated"))) {
                assertThat(dirs.count()).as("one target VM per source VM").isEqualTo(names.size());
            }
            for (int i = 0; i < names.size(); i++) {
                Path vmDir = target.resolve("migrated").resolve(names.get(i));
                try (Stream<Path> files = Files.list(vmDir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().startsWith("virtualmachine")).count())
                            .as("target VM definitions of " + names.get(i)).isEqualTo(1);
                }
                assertThat(Appliances.sha256(Appliances.onlyDiskImage(vmDir))).as(names.get(i)).isEqualTo(expected.get(i));
            }
        } finally {
            for (CrashResumeIT.Child c : children) {
                c.kill();
            }
        }
    }
}
