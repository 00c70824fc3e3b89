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

/** The whole platform's scrape: inventory counts per provider and collection, and the engine's backpressure gauges. */
class PlatformMetricsTest {
    @TempDir
    Path dir;

    @Test
    void inventoryAndEngineGaugesAreScraped() throws Exception {
        try (Platform platform = Platform.create(HoistServer.builder().port(0), dir).start()) {
            InventoryPublisher pub = platform.inventory().register(new ProviderRef("uid-1", "demo", "vcenter", "vsphere"));
            pub.beginCollection();
            pub.put("vms", "vm-1", "web-01", Map.of("name", "web-01"));
            pub.put("vms", "vm-2", "web-02", Map.of("name", "web-02"));
            pub.put("hosts", "host-1", "esx-1", Map.of("name", "esx-1"));
            pub.endCollection();
            String token = Files.readString(dir.resolve("token")).trim();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(platform.server().url() + "/metrics")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).containsPattern("hoist_inventory_objects\\{[^}]*collection=\"vms\"[^}]*provider=\"vcenter\"[^}]*} 2")
                    .containsPattern("hoist_inventory_objects\\{[^}]*collection=\"hosts\"[^}]*} 1")
                    .containsPattern("hoist_inventory_synced\\{[^}]*provider=\"vcenter\"[^}]*} 1")
                    .containsPattern("(?m)^hoist_disks_waiting 0")
                    .containsPattern("(?m)^hoist_vm_runs_active 0");
        }
    }
}
