package io.hoist.core.inventory.bench;

import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.inventory.web.InventoryRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark, not a test: publishing N VM documents (vSphere-workload-sized), then answering the inventory
 * routes over a real socket (full list at detail=0 and detail=1, one document, name filter).
 * Run: platform-core/inventory/bench/inventory-bench.sh [N]
 */
public final class InventoryBench {
    private InventoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Inventory inventory = new Inventory();
        InventoryPublisher pub = inventory.register(new ProviderRef("bench", "demo", "vcenter", "vsphere"));
        long t0 = System.nanoTime();
        pub.beginCollection();
        for (int i = 0; i < n; i++) {
            pub.put("vms", "vm-" + i, "vm" + i, vm(i));
        }
        pub.endCollection();
        double publishMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        pub.beginCollection();
        for (int i = 0; i < n; i++) {
            pub.put("vms", "vm-" + i, "vm" + i, vm(i));
        }
        pub.endCollection();
        double republishMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("publish %d VMs: %.0f ms (%.0f docs/s); unchanged re-collection: %.0f ms%n",
                n, publishMs, n / publishMs * 1000, republishMs);

        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            new InventoryRoutes(inventory).mount(router);
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.actualPort() + "/providers/vsphere/bench/vms";
            time(http, base + "?detail=0", 5);
            time(http, base + "?detail=1", 5);
            time(http, base + "/vm-" + (n / 2), 200);
            time(http, base + "?name=vm" + (n - 1) + "&detail=1", 50);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void time(HttpClient http, String url, int times) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).build();
        http.send(req, HttpResponse.BodyHandlers.ofByteArray()); // warm-up
        long bytes = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode());
            }
            bytes = r.body().length;
        }
        double ms = (System.nanoTime() - t0) / 1e6 / times;
        System.out.printf("GET %-60s %8.2f ms  %,d bytes%n", url.replaceFirst("http://[^/]+", ""), ms, bytes);
    }

    private static Map<String, Object> vm(int i) {
        List<Map<String, Object>> disks = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            disks.add(Map.of("key", 2000 + d, "file", "[ds1] vm" + i + "/vm" + i + "_" + d + ".vmdk",
                    "datastore", Map.of("kind", "Datastore", "id", "datastore-11"), "capacity", 17179869184L,
                    "shared", false, "rdm", false));
        }
        return Map.of("parent", Map.of("kind", "Folder", "id", "group-v22"), "path", "/Datacenter/vm/vm" + i,
                "uuid", "42256329-8c3a-2a82-54fd-" + String.format("%012d", i), "firmware", "bios",
                "powerState", "poweredOn", "cpuCount", 4, "memoryMB", 8192, "disks", disks,
                "networks", List.of(Map.of("kind", "Network", "id", "network-31")), "concerns", List.of());
    }
}
