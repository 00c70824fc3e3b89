package io.hoist.core.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.RunningServer;
import io.hoist.core.store.ResourceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /metrics on a real server: MTV's metrics with MTV's labels derived from stored objects, counted once per
 * migration across a restart, behind the API token or the read-only scrape token, and clean for promtool.
 */
class MetricsEndpointTest {
    private static final String SCRAPE_TOKEN = "scrape-only-token-0123456789abcdef";

    @TempDir
    Path dir;

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) RunningServer.JSON.readTree(s);
    }

    private static void seed(ResourceStore store) throws Exception {
        store.create(ResourceKind.PROVIDER, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Provider","metadata":{"name":"ova","namespace":"demo"},
                 "spec":{"type":"ova","url":"nfs://example/ova"}}"""));
        store.create(ResourceKind.PROVIDER, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Provider","metadata":{"name":"host","namespace":"demo"},
                 "spec":{"type":"openshift"}}"""));
        ObjectNode plan = store.create(ResourceKind.PLAN, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan","metadata":{"name":"web","namespace":"demo"},
                 "spec":{"warm":false,"provider":{"source":{"name":"ova","namespace":"demo"},"destination":{"name":"host","namespace":"demo"}},
                         "vms":[{"id":"vm-1"},{"id":"vm-2"}]}}"""));
        ObjectNode migration = store.create(ResourceKind.MIGRATION, json("""
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Migration","metadata":{"name":"web-1","namespace":"demo"},
                 "spec":{"plan":{"name":"web","namespace":"demo"}}}"""));
        String migrationUid = migration.path("metadata").path("uid").asText();
        migration.set("status", json("""
                {"started":"2026-01-01T10:00:00Z","completed":"2026-01-01T10:20:00Z",
                 "conditions":[{"type":"Succeeded","status":"True","category":"Advisory"}],
                 "vms":[{"id":"vm-1","conditions":[{"type":"Succeeded","status":"True"}]},
                        {"id":"vm-2","conditions":[{"type":"Succeeded","status":"True"}]}]}"""));
        store.updateStatus(ResourceKind.MIGRATION, migration);
        plan.set("status", json("""
                {"conditions":[{"type":"Succeeded","status":"True","category":"Advisory"}],
                 "migration":{"started":"2026-01-01T10:00:00Z","completed":"2026-01-01T10:20:00Z",
                   "history":[{"migration":{"uid":"%s"}}],
                   "vms":[{"id":"vm-1","pipeline":[{"name":"DiskTransfer","progress":{"completed":24,"total":24}}]},
                          {"id":"vm-2","pipeline":[{"name":"DiskTransfer","progress":{"completed":8,"total":8}}]}]}}"""
                .formatted(migrationUid)));
        store.updateStatus(ResourceKind.PLAN, plan);
    }

    private static double value(String scrape, String metric, String... labels) {
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(metric + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                Matcher m = Pattern.compile("} (\\S+)$").matcher(line);
                assertThat(m.find()).as(line).isTrue();
                return Double.parseDouble(m.group(1));
            }
        }
        throw new AssertionError("no " + metric + " with " + String.join(",", labels) + " in:\n" + scrape);
    }

    @Test
    void mtvMetricsAreCountedOnceAcrossARestartAndPassPromtool() throws Exception {
        Files.writeString(Files.createFile(dir.resolve(MetricsRoutes.SCRAPE_TOKEN_FILE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), SCRAPE_TOKEN + "\n");
        String first;
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            seed(s.server.store());
            var r = s.send(s.request("/metrics").GET().build());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            first = r.body();
            // a second scrape counts nothing again
            first = s.send(s.request("/metrics").GET().build()).body();
        }
        String labels = "mode=\"Cold\"";
        assertThat(value(first, "mtv_migrations_status_total", "status=\"Succeeded\"", "provider=\"ova\"", labels,
                "target=\"Local\"")).isEqualTo(1.0);
        assertThat(value(first, "mtv_workload_migrations_status_total", "status=\"Succeeded\"", "plan=\"")).isEqualTo(1.0);
        assertThat(value(first, "mtv_planned_vms_total", "provider=\"ova\"")).isEqualTo(2.0);
        assertThat(value(first, "mtv_migrated_vms_total", "provider=\"ova\"")).isEqualTo(2.0);
        assertThat(value(first, "mtv_plans_status", "status=\"Succeeded\"", "provider=\"ova\"")).isEqualTo(1.0);
        assertThat(value(first, "mtv_migration_duration_seconds", "provider=\"ova\"")).isEqualTo(1200.0);
        assertThat(value(first, "mtv_migration_data_transferred_bytes", "provider=\"ova\"")).isEqualTo(32.0 * 1024 * 1024);
        assertThat(value(first, "mtv_migrations_duration_seconds_bucket", "le=\"3600.0\"", "provider=\"ova\"")).isEqualTo(1.0);
        assertThat(first).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");

        var lint = Promtool.run(dir, first, "check", "metrics");
        assertThat(lint.exitCode()).as(lint.output()).isZero();

        // Restarted on the same store: the finished migration is still counted once, not twice.
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            String again = s.send(s.request("/metrics").GET().build()).body();
            assertThat(value(again, "mtv_migrations_status_total", "status=\"Succeeded\"", "provider=\"ova\"")).isEqualTo(1.0);
            assertThat(value(again, "mtv_migrated_vms_total", "provider=\"ova\"")).isEqualTo(2.0);
        }
    }

    @Test
    void scrapeTokenOpensMetricsOnlyAndNoTokenOpensNothing() throws Exception {
        Files.writeString(Files.createFile(dir.resolve(MetricsRoutes.SCRAPE_TOKEN_FILE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), SCRAPE_TOKEN + "\n");
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            var base = java.net.URI.create(s.server.url());
            var none = s.send(java.net.http.HttpRequest.newBuilder(base.resolve("/metrics")).GET().build());
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body()).doesNotContain("mtv_");
            var scrape = s.send(java.net.http.HttpRequest.newBuilder(base.resolve("/metrics"))
                    .header("Authorization", "Bearer " + SCRAPE_TOKEN).GET().build());
            assertThat(scrape.status()).isEqualTo(200);
            var api = s.send(java.net.http.HttpRequest.newBuilder(base.resolve("/api/v1/namespaces/demo/secrets"))
                    .header("Authorization", "Bearer " + SCRAPE_TOKEN).GET().build());
            assertThat(api.status()).as("the scrape token opens nothing but /metrics").isEqualTo(401);
        }
    }
}
