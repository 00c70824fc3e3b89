package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path target = Files.createDirectories(tmp.resolve("target"));
        MigrationSetup.OvaVms vms = MigrationSetup.OvaVms.build(tmp, "restart-vm", ClusterWorkerKillIT.VMS, 7700L, 0x40);
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp, name -> ClusterWorkerKillIT.NODE_CAPACITY)) {
            PostgresTestServer pg = nodes.pg;
            ApiClient api = nodes.a.client();
            String ns = "restart";
            MigrationSetup.ovaToFolder(api, ns, vms.dir(), target, "restart", vms.names());

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
            vms.assertMigratedOnceEach(target);
        }
    }
}
