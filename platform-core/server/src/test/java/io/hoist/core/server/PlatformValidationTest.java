package io.hoist.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.ProviderRef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform: a published vSphere VM is validated by the built-in service, its concerns are served
 * by the inventory, and the seed's forklift-validation-config ConfigMap applied through the API adds a rule.
 */
class PlatformValidationTest {
    @TempDir
    Path dir;

    private static Map<String, Object> vm(int disks) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (int i = 0; i < disks; i++) {
            list.add(Map.of("file", "[ds1] web/web_" + i + ".vmdk", "datastore", Map.of("kind", "Datastore", "id", "datastore-1"),
                    "capacity", 1073741824L, "shared", false, "rdm", false, "mode", "independent_persistent",
                    "changeTrackingEnabled", true));
        }
        return Map.ofEntries(Map.entry("name", "web-01"), Map.entry("powerState", "poweredOff"),
                Map.entry("guestId", "rhel9_64Guest"), Map.entry("changeTrackingEnabled", true),
                Map.entry("consolidationNeeded", false), Map.entry("snapshot", Map.of("kind", "", "id", "")),
                Map.entry("cpuAffinity", List.of()), Map.entry("numaNodeAffinity", List.of()),
                Map.entry("hostName", "web-01"), Map.entry("devices", List.of()), Map.entry("disks", list),
                Map.entry("concerns", List.of()));
    }

    @Test
    void publishedVmIsValidatedAndConfigMapRulesApply() throws Exception {
        try (Platform platform = Platform.create(HoistServer.builder().admission(new AdmissionTestDouble()).port(0), dir).start()) {
            String token = Files.readString(dir.resolve("token")).trim();
            HttpClient http = HttpClient.newHttpClient();
            InventoryPublisher pub = platform.inventory().register(new ProviderRef("uid-1", "demo", "vcenter", "vsphere"));
            pub.beginCollection();
            pub.put("vms", "vm-1", "web-01", vm(2));
            pub.putWorkload("vm-1", vm(2));
            pub.endCollection();

            JsonNode concerns = waitForConcerns(platform, c -> c.size() == 2); // one per independent disk
            assertThat(concerns.get(0).get("id").asText()).isEqualTo("vmware.disk_mode.independent");
            assertThat(concerns.get(0).get("category").asText()).isEqualTo("Critical");

            // served by the inventory routes MTV's UI reads
            JsonNode list = get(http, platform, token, "/providers/vsphere/uid-1/vms?detail=1");
            assertThat(list.get(0).get("concerns").findValuesAsText("id")).containsExactly(
                    "vmware.disk_mode.independent", "vmware.disk_mode.independent");
            assertThat(list.get(0).get("revision").asLong()).isEqualTo(1);
            JsonNode workload = get(http, platform, token, "/providers/vsphere/uid-1/workloads/vm-1");
            assertThat(workload.toString()).contains("vmware.disk_mode.independent");

            HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(platform.server().url()
                    + "/v1/data/io/konveyor/forklift/vmware/rules_version")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(version.statusCode()).isEqualTo(200);
            assertThat(version.body()).isEqualTo("{\"result\":{\"rules_version\":2}}");

            String cm = """
                    {"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "forklift-validation-config", "namespace": "openshift-mtv"},
                     "data": {"vmware_multiple_disks.rego": "package io.konveyor.forklift.vmware\\n\\nhas_multiple_disks {\\n  count(input.disks) > 1\\n}\\n\\nconcerns[flag] {\\n  has_multiple_disks\\n  flag := {\\"category\\": \\"Information\\", \\"label\\": \\"Multiple disks detected\\", \\"assessment\\": \\"Multiple disks detected on this VM.\\"}\\n}\\n"}}
                    """;
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(platform.server().url()
                    + "/api/v1/namespaces/openshift-mtv/configmaps")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(cm)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);

            JsonNode after = waitForConcerns(platform, c -> c.size() == 3);
            assertThat(after.findValuesAsText("label")).contains("Multiple disks detected");
        }
    }

    private static JsonNode get(HttpClient http, Platform platform, String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(platform.server().url() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return RunningServer.JSON.readTree(r.body());
    }

    private static JsonNode waitForConcerns(Platform platform, java.util.function.Predicate<JsonNode> done) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = RunningServer.JSON.valueToTree(platform.inventory().get("uid-1", "vms", "vm-1").orElseThrow().get("concerns"));
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("concerns never matched; last: " + last);
    }
}
