package io.hoist.core.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform's scrape: inventory counts and collection time per provider, the engine's backpressure gauges,
 * store write latency, validation count and latency, bytes per source host, and Hoist's counters under their
 * Prometheus names; promtool accepts the lot.
 */
class PlatformMetricsTest {
    @TempDir
    Path dir;

    @Test
    void inventoryAndEngineGaugesAreScraped() throws Exception {
        try (Platform platform = Platform.create(HoistServer.builder().port(0).namespaces("demo"), dir).start()) {
            InventoryPublisher pub = platform.inventory().register(new ProviderRef("uid-1", "demo", "vcenter", "vsphere"));
            pub.beginCollection();
            pub.put("vms", "vm-1", "web-01", Map.of("name", "web-01"));
            pub.put("vms", "vm-2", "web-02", Map.of("name", "web-02"));
            pub.put("hosts", "host-1", "esx-1", Map.of("name", "esx-1"));
            pub.endCollection();
            platform.server().store().create(io.hoist.core.model.ResourceKind.SECRET, (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"metadata\":{\"name\":\"s1\",\"namespace\":\"demo\"}}"));
            // the engine's real scheduler: a host's every slot taken and three more disks queued behind them
            var scheduler = platform.engine().scheduler();
            var busy = scheduler.acquire("uid-1/host-1", "demo/web", scheduler.limit(), 0).get();
            var queued = scheduler.acquire("uid-1/host-1", "demo/db", 3, 0);
            assertThat(queued).isNotDone();
            String token = Files.readString(dir.resolve("token")).trim();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(platform.server().url() + "/metrics")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).containsPattern("hoist_inventory_collection_duration_seconds_count\\{[^}]*outcome=\"collected\""
                            + "[^}]*provider=\"vcenter\"[^}]*provider_type=\"vsphere\"[^}]*} 1")
                    .containsPattern("hoist_store_write_duration_seconds_count\\{outcome=\"ok\"} [1-9]")
                    .containsPattern("hoist_store_write_duration_seconds_bucket\\{outcome=\"ok\",le=\"0.001\"}");
            assertThat(r.body()).containsPattern("hoist_inventory_objects\\{[^}]*collection=\"vms\"[^}]*provider=\"vcenter\"[^}]*} 2")
                    .containsPattern("hoist_inventory_objects\\{[^}]*collection=\"hosts\"[^}]*} 1")
                    .containsPattern("hoist_inventory_synced\\{[^}]*provider=\"vcenter\"[^}]*} 1")
                    .containsPattern("(?m)^hoist_vm_runs_active 0")
                    .containsPattern("(?m)^hoist_disks_in_flight\\{host=\"uid-1/host-1\"} " + scheduler.limit() + "\\.0$")
                    .containsPattern("(?m)^hoist_disks_waiting\\{host=\"uid-1/host-1\"} 3\\.0$");
            busy.close();
            queued.get().close();
        }
    }

    @Test
    void validationTransfersPerHostAndHoistCountersScrapeCleanForPromtool() throws Exception {
        try (Platform platform = Platform.create(HoistServer.builder().port(0).namespaces("demo"), dir).start()) {
            InventoryPublisher pub = platform.inventory().register(new ProviderRef("uid-2", "demo", "vcenter", "vsphere"));
            pub.beginCollection();
            pub.put("vms", "vm-1", "web-01", Map.of("name", "web-01", "id", "vm-1"));
            pub.endCollection();
            // a disk progress report as the engine publishes it, on the platform's own bus
            platform.server().vertx().eventBus().publish(io.hoist.core.engine.bus.Addresses.DISK_PROGRESS,
                    new io.hoist.core.engine.bus.Messages.DiskProgress(new io.hoist.core.engine.bus.Messages.PlanKey("demo", "web"),
                            "mig-1", "run-1", "vm-1", "DiskTransfer", "uid-2/host-7", new io.hoist.api.transfer.TransferProgress("disk-0", 4096, 8192, 1024.0, 4)));
            // the engine's counters (driven for real in EngineMetersTest), so promtool sees their names
            var run = new io.hoist.core.engine.run.RunMeters(platform.server().metrics().registry());
            run.retried("DiskTransfer", "UNAVAILABLE/TransferFailed");
            run.checksumMismatch();
            // one disk in flight on the real scheduler: the per-host backpressure rows exist
            var lease = platform.engine().scheduler().acquire("uid-2/host-7", "demo/web", 1, 0).get();
            String token = Files.readString(dir.resolve("token")).trim();
            String body = "";
            long end = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < end) { // validation and the bus are asynchronous: scrape until both show
                body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(platform.server().url() + "/metrics"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (body.contains("hoist_validation_duration_seconds_count{") && body.contains("host=\"uid-2/host-7\"")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(body).containsPattern("hoist_validation_duration_seconds_count\\{outcome=\"ok\",package=\"[a-z.]+\"} 1")
                    .containsPattern("hoist_disk_copied_bytes_total\\{host=\"uid-2/host-7\",namespace=\"demo\",plan=\"web\"} 4096")
                    .containsPattern("hoist_disk_copy_rate_bytes_per_second\\{host=\"uid-2/host-7\",namespace=\"demo\",plan=\"web\"} 1024")
                    .containsPattern("hoist_retries_total\\{phase=\"DiskTransfer\",reason=\"UNAVAILABLE/TransferFailed\"} 1")
                    .containsPattern("(?m)^hoist_checksum_mismatches_total 1")
                    .containsPattern("(?m)^hoist_disks_waiting\\{host=\"uid-2/host-7\"} 0\\.0$");
            var lint = Promtool.run(dir, body, "check", "metrics");
            assertThat(lint.exitCode()).as(lint.output()).isZero();
            assertExamplesQueryOnlyScrapedNames(body);
            lease.close();
        }
    }

    /**
     * Every Hoist metric the example dashboard and alerts query is one the platform serves (a misspelt name makes
     * a panel blank and an alert silent, with no error anywhere).
     */
    private static void assertExamplesQueryOnlyScrapedNames(String scrape) throws Exception {
        String queries = Files.readString(MonitoringExamplesTest.EXAMPLES.resolve("grafana-dashboard.json"))
                + Files.readString(MonitoringExamplesTest.EXAMPLES.resolve("alerts.yml"));
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bhoist_[a-z_]+").matcher(queries);
        while (m.find()) {
            names.add(m.group());
        }
        assertThat(names).contains("hoist_disk_copied_bytes_total", "hoist_retries_total", "hoist_checksum_mismatches_total",
                "hoist_validation_duration_seconds_bucket", "hoist_store_write_duration_seconds_bucket",
                "hoist_inventory_collection_duration_seconds_sum");
        for (String name : names) {
            assertThat(scrape).as("the examples query " + name).containsPattern("(?m)^" + name + "[{ ]");
        }
    }
}
