package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.core.inventory.Inventory;
import io.hoist.core.inventory.ProviderRef;
import io.hoist.core.inventory.web.InventoryRoutes;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.plugins.PluginHost;
import io.hoist.core.server.plugins.PluginRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real HoistServer (store, token, server.json, Status errors) with the inventory and
 * plugin routes contributed as the platform does, over a real socket. Only admission is a test double.
 */
class CliAgainstHoistServerTest {
    @TempDir
    Path data;

    private HoistServer server;
    private PluginHost plugins;
    private final Inventory inventory = new Inventory();
    private CliHarness cli;

    @BeforeEach
    void start() {
        plugins = PluginHost.start(List.of(data.resolve("plugins")));
        server = HoistServer.builder().dataDir(data).port(0).namespaces("demo")
                .admission(new ProviderUrlAdmissionTestDouble())
                .routes((router, ctx) -> new InventoryRoutes(inventory).mount(router))
                .routes((router, ctx) -> new PluginRoutes(plugins).mount(router))
                .build().start();
        cli = new CliHarness(Map.of("HOIST_NAMESPACE", "demo"));
    }

    @AfterEach
    void stop() {
        server.stop();
        plugins.close();
    }

    private CliHarness.Result hoist(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = data.toString();
        return cli.run(all);
    }

    @Test
    void applyMergesThreeWaysAndKeepsWhatOthersAdded() throws Exception {
        Path f = data.resolve("p.yaml");
        Files.writeString(f, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vc, labels: {owner: infra}}
                spec: {type: vsphere, url: 'https://vc.example/sdk', settings: {vddkInitImage: 'r/vddk:1'}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData: {user: admin, password: first-password}
                """);
        assertThat(hoist("apply", "-f", f.toString()).out()).isEqualTo("provider/vc created\nsecret/creds created\n");
        // another tool labels and annotates the object
        String path = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/providers/vc";
        HttpResponse<String> patched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + Files.readString(data.resolve("token")).trim())
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"metadata\":{\"labels\":{\"team\":\"net\"},\"annotations\":{\"note\":\"by hand\"}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(hoist("apply", "-f", f.toString()).out()).isEqualTo("provider/vc unchanged\nsecret/creds unchanged\n");

        // the manifest changes the url, drops settings and a label it set, and the password
        Files.writeString(f, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vc}
                spec: {type: vsphere, url: 'https://vc2.example/sdk'}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData: {user: admin, password: second-password}
                """);
        CliHarness.Result r = hoist("apply", "-f", f.toString());
        assertThat(r.out()).as(r.err()).isEqualTo("provider/vc configured\nsecret/creds configured\n");
        ObjectNode live = server.store().get(ResourceKind.PROVIDER, "demo", "vc").orElseThrow();
        assertThat(live.at("/spec/url").asText()).isEqualTo("https://vc2.example/sdk");
        assertThat(live.at("/spec").has("settings")).as(live.toString()).isFalse();
        assertThat(live.at("/metadata/labels").toString()).isEqualTo("{\"team\":\"net\"}");
        assertThat(live.at("/metadata/annotations/note").asText()).isEqualTo("by hand");
        ObjectNode secret = server.store().get(ResourceKind.SECRET, "demo", "creds").orElseThrow();
        assertThat(new String(java.util.Base64.getDecoder().decode(secret.at("/data/password").asText())))
                .isEqualTo("second-password");
        assertThat(hoist("apply", "-f", f.toString()).out()).isEqualTo("provider/vc unchanged\nsecret/creds unchanged\n");
    }

    @Test
    void manifestsToPlanActionsThroughTheRealServer() throws Exception {
        Path f = data.resolve("m.yaml");
        Files.writeString(f, """
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                stringData: {user: admin, password: hunter2-very-secret}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vcenter}
                spec: {type: vsphere, url: 'https://vcenter.example/sdk', secret: {name: creds, namespace: demo}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: web}
                spec:
                  warm: true
                  vms: [{id: vm-1, name: web-01}]
                """);
        CliHarness.Result apply = hoist("apply", "-f", f.toString());
        assertThat(apply.err()).isEmpty();
        assertThat(apply.out()).isEqualTo("secret/creds created\nprovider/vcenter created\nplan/web created\n");
        assertThat(hoist("apply", "-f", f.toString()).out()).contains("provider/vcenter unchanged", "plan/web unchanged");

        assertThat(hoist("get", "plans").out()).startsWith("NAME   READY").contains("web");
        assertThat(hoist("get", "plans", "-A").out()).startsWith("NAMESPACE   NAME   READY").contains("demo        web");
        assertThat(hoist("get", "secrets", "-A").err())
                .isEqualTo("error: --all-namespaces is not available for secrets; use -n NAMESPACE\n");
        assertThat(hoist("get", "secret", "creds", "-o", "yaml").out()).contains("password").doesNotContain("hunter2");
        assertThat(hoist("describe", "provider", "vcenter").out()).contains("Name:        vcenter", "type: vsphere");

        CliHarness.Result bad = cli.runWithStdin("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: plain}
                spec: {url: 'http://x'}
                """, "apply", "-f", "-", "--data-dir", data.toString());
        assertThat(bad.code()).isEqualTo(1);
        // one line, every cause on it (issue 20 item 7)
        assertThat(bad.err().lines().toList()).singleElement().asString().startsWith("error: provider/plain")
                .contains("spec.url: must be an https URL").contains("spec.type: provider type is required");

        assertThat(hoist("start", "web").code()).isZero();
        ObjectNode mig = server.store().list(ResourceKind.MIGRATION, "demo").get(0);
        String name = mig.path("metadata").path("name").asText();
        assertThat(hoist("cutover", "web", "--at", "2030-01-01T00:00:00Z").code()).isZero();
        assertThat(hoist("cancel", "web", "web-01").code()).isZero();
        ObjectNode after = server.store().get(ResourceKind.MIGRATION, "demo", name).orElseThrow();
        assertThat(after.path("spec").path("cutover").asText()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(after.path("spec").path("cancel").get(0).path("id").asText()).isEqualTo("vm-1");

        ObjectNode done = after.deepCopy();
        done.putObject("status").putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        server.store().updateStatus(ResourceKind.MIGRATION, done);
        assertThat(hoist("restart", "web").code()).isZero();
        assertThat(server.store().list(ResourceKind.MIGRATION, "demo")).hasSize(2);

        assertThat(hoist("archive", "web").code()).isZero();
        assertThat(hoist("duplicate", "web", "web-2").code()).isZero();
        assertThat(server.store().get(ResourceKind.PLAN, "demo", "web-2").orElseThrow().path("spec").has("archived")).isFalse();
        assertThat(hoist("delete", "plan", "web-2").out()).isEqualTo("plan/web-2 deleted\n");
        assertThat(hoist("get", "plan", "web-2").err()).isEqualTo("error: plan 'web-2' not found in namespace 'demo'\n");
    }

    @Test
    void watchPrintsCurrentObjectsThenChanges() throws Exception {
        cli.runWithStdin("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: web}
                spec: {vms: [{name: web-01}]}
                """, "apply", "-f", "-", "--data-dir", data.toString());
        // Its own thread, not the common pool (one thread on a 2-core machine); the server ends the watch after 6 s.
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            java.util.concurrent.Future<CliHarness.Result> watching = executor.submit(() -> hoist("get", "plans", "-w", "--timeout", "6"));
            Thread.sleep(3000); // the watch lists first; an archive before that would arrive as the first ADDED
            assertThat(hoist("archive", "web").code()).isZero();
            CliHarness.Result r = watching.get(180, java.util.concurrent.TimeUnit.SECONDS);
            assertWatchLines(r);
        }
    }

    private static void assertWatchLines(CliHarness.Result r) {
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAME").contains("ARCHIVED");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("web").doesNotContain("true");
        assertThat(lines.get(2)).startsWith("web").contains("true");
    }

    @Test
    void wrongTokenAndPluginsAndInventoryShareTheServerToken() throws Exception {
        CliHarness.Result wrong = cli.run("get", "plans", "--server", server.url(), "--token", "nope");
        assertThat(wrong.err()).startsWith("error: unauthorized:");

        CliHarness.Result plugin = hoist("plugins");
        assertThat(plugin.code()).as(plugin.err()).isZero();
        assertThat(plugin.err()).isEqualTo("No plugins loaded (plugin API " + io.hoist.api.PluginApi.VERSION + ").\n");

        InventoryPublisher pub = inventory.register(new ProviderRef("u-1", "demo", "vcenter", "vsphere"));
        pub.beginCollection();
        pub.put("vms", "vm-1", "web-01", Map.of("powerState", "poweredOn"));
        pub.endCollection();
        String token = Files.readString(data.resolve("token")).trim();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/providers/vsphere/u-1/vms?name=web-01")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(withToken.body()).get(0).get("id").asText()).isEqualTo("vm-1");
        HttpResponse<String> without = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/providers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(without.statusCode()).isEqualTo(401);
    }
}
