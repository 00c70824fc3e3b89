package io.hoist.core.inventory.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory routes on a real Vert.x HTTP server, queried over a real socket. */
class InventoryRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Inventory inventory = new Inventory();
    private InventoryPublisher vsphere;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new InventoryRoutes(inventory).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vsphere = inventory.register(new ProviderRef("u-1", "demo", "vcenter", "vsphere"));
        inventory.register(new ProviderRef("u-2", "demo", "engine", "ovirt"));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void publishVms() {
        vsphere.beginCollection();
        vsphere.put("datastores", "datastore-11", "iscsi", Map.of(
                "parent", Map.of("kind", "Folder", "id", "group-s5"),
                "path", "/Datacenter/datastore/iscsi", "capacity", 100));
        for (int i = 1; i <= 5; i++) {
            vsphere.put("vms", "vm-" + i, "vm" + i, Map.of("powerState", "poweredOn", "cpuCount", i));
        }
        vsphere.putWorkload("vm-3", Map.of("powerState", "poweredOn", "disks", List.of(Map.of("key", 2000))));
        vsphere.putTree("vm", Map.of("kind", "Datacenter", "children", List.of(Map.of("id", "vm-1"))));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void answers206UntilFirstCollectionCompletesThen200() throws Exception {
        publishVms();
        HttpResponse<String> during = get("/providers/vsphere/u-1/vms");
        assertThat(during.statusCode()).isEqualTo(206);
        assertThat(json(during)).hasSize(5);
        assertThat(get("/providers/vsphere/u-1").statusCode()).isEqualTo(206);
        // a collection not yet published is empty while collecting, not an error
        assertThat(get("/providers/vsphere/u-1/hosts").statusCode()).isEqualTo(206);

        vsphere.endCollection();
        assertThat(get("/providers/vsphere/u-1/vms").statusCode()).isEqualTo(200);
        assertThat(get("/providers/vsphere/u-1/hosts").statusCode()).isEqualTo(404);

        // a later re-collection does not go back to 206
        vsphere.beginCollection();
        assertThat(get("/providers/vsphere/u-1/vms").statusCode()).isEqualTo(200);
    }

    @Test
    void listsProvidersByTypeWithCounts() throws Exception {
        publishVms();
        vsphere.endCollection();
        JsonNode all = json(get("/providers"));
        assertThat(all.fieldNames()).toIterable().containsExactly("ovirt", "vsphere");
        assertThat(all.get("vsphere").get(0).get("uid").asText()).isEqualTo("u-1");

        JsonNode ofType = json(get("/providers/vsphere?detail=1"));
        assertThat(ofType).hasSize(1);
        assertThat(ofType.get(0).get("vmCount").asInt()).isEqualTo(5);
        assertThat(ofType.get(0).get("datastoreCount").asInt()).isEqualTo(1);
        assertThat(ofType.get(0).get("phase").asText()).isEqualTo("Ready");

        JsonNode provider = json(get("/providers/vsphere/u-1"));
        assertThat(provider.get("name").asText()).isEqualTo("vcenter");
        assertThat(provider.get("revision").asLong()).isPositive();
        assertThat(get("/providers/ovirt/u-1").statusCode()).isEqualTo(404);
        assertThat(json(get("/providers/openstack"))).isEmpty();
    }

    @Test
    void detailLevelsPagingAndNameFilter() throws Exception {
        publishVms();
        vsphere.endCollection();

        JsonNode summary = json(get("/providers/vsphere/u-1/datastores/"));
        assertThat(summary.get(0).fieldNames()).toIterable()
                .containsExactly("id", "parent", "path", "revision", "name", "selfLink");
        assertThat(summary.get(0).get("selfLink").asText())
                .isEqualTo("providers/vsphere/u-1/datastores/datastore-11");

        JsonNode full = json(get("/providers/vsphere/u-1/vms?detail=all"));
        assertThat(full.get(0).get("cpuCount").asInt()).isEqualTo(1);
        assertThat(json(get("/providers/vsphere/u-1/vms?detail=1")).get(0).has("powerState")).isTrue();
        assertThat(json(get("/providers/vsphere/u-1/vms?detail=0")).get(0).has("powerState")).isFalse();

        JsonNode page = json(get("/providers/vsphere/u-1/vms?limit=2&offset=1"));
        assertThat(page).extracting(n -> n.get("id").asText()).containsExactly("vm-2", "vm-3");
        assertThat(json(get("/providers/vsphere/u-1/vms?offset=9"))).isEmpty();

        JsonNode byName = json(get("/providers/vsphere/u-1/vms?name=vm4&detail=1"));
        assertThat(byName).hasSize(1);
        assertThat(byName.get(0).get("id").asText()).isEqualTo("vm-4");
        assertThat(byName.get(0).get("cpuCount").asInt()).isEqualTo(4);
    }

    @Test
    void badQueryParametersNameTheField() throws Exception {
        publishVms();
        vsphere.endCollection();
        HttpResponse<String> badDetail = get("/providers/vsphere/u-1/vms?detail=most");
        assertThat(badDetail.statusCode()).isEqualTo(400);
        assertThat(json(badDetail).get("kind").asText()).isEqualTo("Status");
        assertThat(json(badDetail).get("message").asText()).startsWith("detail:");
        HttpResponse<String> badLimit = get("/providers/vsphere/u-1/vms?limit=-1");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).get("message").asText()).startsWith("limit:");
    }

    @Test
    void documentsWorkloadsAndTrees() throws Exception {
        publishVms();
        vsphere.endCollection();

        JsonNode vm = json(get("/providers/vsphere/u-1/vms/vm-2"));
        assertThat(vm.get("name").asText()).isEqualTo("vm2");
        assertThat(vm.get("revision").asLong()).isEqualTo(1);
        HttpResponse<String> missing = get("/providers/vsphere/u-1/vms/vm-99");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("message").asText()).contains("vm-99");

        JsonNode workload = json(get("/providers/vsphere/u-1/workloads/vm-3"));
        assertThat(workload.get("input").get("id").asText()).isEqualTo("vm-3");
        assertThat(workload.get("input").get("selfLink").asText()).isEqualTo("providers/vsphere/u-1/workloads/vm-3");
        assertThat(workload.get("input").get("disks").get(0).get("key").asInt()).isEqualTo(2000);
        assertThat(get("/providers/vsphere/u-1/workloads/vm-1").statusCode()).isEqualTo(404);

        JsonNode tree = json(get("/providers/vsphere/u-1/tree/vm"));
        assertThat(tree.get("kind").asText()).isEqualTo("Datacenter");
        assertThat(get("/providers/vsphere/u-1/tree/host").statusCode()).isEqualTo(404);
    }

    @Test
    void openApiDocumentsEveryMountedRoute() {
        Router router = Router.router(vertx);
        new InventoryRoutes(inventory).mount(router);
        List<String> routed = router.getRoutes().stream().map(r -> r.getPath().replaceAll(":([A-Za-z]+)", "{$1}")).sorted().toList();
        List<String> documented = new java.util.ArrayList<>();
        InventoryRoutes.openApiPaths().fieldNames().forEachRemaining(documented::add);
        assertThat(documented).containsExactlyInAnyOrderElementsOf(routed);
    }

    @Test
    void updatedDocumentShowsNewRevision() throws Exception {
        publishVms();
        vsphere.endCollection();
        vsphere.put("vms", "vm-1", "vm1", Map.of("powerState", "poweredOff", "cpuCount", 1));
        JsonNode vm = json(get("/providers/vsphere/u-1/vms/vm-1"));
        assertThat(vm.get("revision").asLong()).isEqualTo(2);
        assertThat(vm.get("powerState").asText()).isEqualTo("poweredOff");
    }
}
