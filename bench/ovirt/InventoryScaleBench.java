import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.plugin.ovirt.OvirtSource;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.RecordingInventoryPublisher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scale bench (not a test): the oVirt test engine scaled to VMS VMs (clones of the recorded vm_on with their NICs,
 * disk attachments, snapshots and disks) on HOSTS hosts; prints the time to the first full inventory and the delay
 * from a change in the engine (a VM rename with its event) to the published inventory. Run through bench/ovirt/run.sh.
 */
public class InventoryScaleBench {
    public static void main(String[] args) throws Exception {
        int vms = Integer.parseInt(System.getProperty("vms", "2000"));
        int hosts = Integer.parseInt(System.getProperty("hosts", "8"));
        int changes = Integer.parseInt(System.getProperty("changes", "20"));
        System.setProperty("hoist.ovirt.eventPollMillis", System.getProperty("pollMillis", "1000"));
        try (OvirtEngineTestServer engine = new OvirtEngineTestServer()) {
            List<String> ids = engine.scale(OvirtEngineTestServer.VM_ON, vms, hosts);
            HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
            try (OvirtSource src = OvirtTestHosts.source(host, engine)) {
                long c0 = System.nanoTime();
                src.collectInventory(host.inventory());
                double first = (System.nanoTime() - c0) / 1e9;
                System.out.printf("first full inventory: %.2f s (%d VMs, %d hosts, %d disks published; %d requests)%n", first,
                        host.inventory().collection("vms").size(), host.inventory().collection("hosts").size(), host.inventory().collection("disks").size(),
                        engine.requests.size());
                long c1 = System.nanoTime();
                src.collectInventory(new RecordingInventoryPublisher());
                System.out.printf("second full inventory (warm JVM): %.2f s%n", (System.nanoTime() - c1) / 1e9);
                engineAlone(engine);

                Map<String, Long> seen = new ConcurrentHashMap<>();
                InventoryPublisher timing = new InventoryPublisher() {
                    public void beginCollection() { }
                    public void endCollection() { }
                    public void put(String c, String id, String n, Object d) {
                        if ("vms".equals(c) && n != null) {
                            seen.putIfAbsent(n, System.nanoTime());
                        }
                    }
                    public void remove(String c, String id) { }
                    public void putWorkload(String id, Object w) { }
                    public void putTree(String n, Object t) { }
                    public void fail(String reason) { }
                };
                AtomicBoolean stop = new AtomicBoolean();
                CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> {
                    try {
                        src.watch(timing, stop::get);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                List<Double> delays = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    String id = ids.get((i * 97) % ids.size());
                    String name = "bench-renamed-" + i;
                    long done = System.nanoTime();
                    engine.editVm(id, vm -> vm.getElementsByTagName("name").item(0).setTextContent(name), "VM renamed");
                    long deadline = done + TimeUnit.SECONDS.toNanos(30);
                    while (!seen.containsKey(name) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Long at = seen.get(name);
                    delays.add(at == null ? Double.NaN : (at - done) / 1e6);
                }
                Collections.sort(delays);
                System.out.printf("change -> inventory delay over %d renames (event poll every %s ms): median %.0f ms, max %.0f ms%n",
                        changes, System.getProperty("hoist.ovirt.eventPollMillis"), delays.get(delays.size() / 2),
                        delays.get(delays.size() - 1));
                stop.set(true);
                watching.get(60, TimeUnit.SECONDS);
            }
            throughThePlatform(engine, ids, changes);
        }
        System.out.println("rerun: bench/ovirt/run.sh  (VMS=" + vms + " HOSTS=" + hosts + ")");
        System.exit(0);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** The test engine's own share (it runs in this JVM, on the same cores): serving the VM list the collector asks for. */
    static void engineAlone(OvirtEngineTestServer engine) throws Exception {
        var client = io.hoist.plugin.ovirt.client.EngineClient.open(io.hoist.plugin.ovirt.OvirtConfig.of(OvirtTestHosts.provider(engine, Map.of())),
                new io.hoist.core.transfer.tls.ProviderHttpClients());
        try {
            String token = client.connection().authenticate();
            HttpClient http = new io.hoist.core.transfer.tls.ProviderHttpClients()
                    .client(new io.hoist.api.transfer.TlsSettings(engine.tls.caPem, null, false), java.time.Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(engine.url + "/vms?follow="
                    + io.hoist.plugin.ovirt.inventory.InventoryCollector.VM_FOLLOW)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            System.out.printf("  of which the test engine serving GET vms?follow=... alone: %.2f s (%d MB of XML)%n",
                    (System.nanoTime() - t0) / 1e9, r.body().length >> 20);
        } finally {
            client.close();
        }
    }

    /**
     * The same engine through the whole platform, as a user sees it: {@code hoist serve} (dist/, a child JVM) with a
     * Provider of the engine; the time from creating the Provider to all VMs listed by the inventory API, then the
     * delay from a rename in the engine to {@code GET /providers/ovirt/<uid>/vms/<id>} showing it.
     */
    static void throughThePlatform(OvirtEngineTestServer engine, List<String> ids, int changes) throws Exception {
        Path root = Path.of(System.getProperty("hoist.root"));
        Path data = Files.createTempDirectory("hoist-bench-ovirt");
        int port;
        try (ServerSocket sock = new ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx2g",
                "-Dhoist.plugins.dir=" + root.resolve("dist/plugins"), "-cp", root.resolve("dist/lib") + "/*",
                "io.hoist.cli.Main", "serve", "--data-dir", data.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(data.resolve("serve.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            long startDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(data.resolve("token")) || !answers(http, base)) {
                if (!child.isAlive() || System.nanoTime() > startDeadline) {
                    throw new IllegalStateException("hoist serve did not start; see " + data.resolve("serve.log"));
                }
                Thread.sleep(200);
            }
            String token = Files.readString(data.resolve("token")).trim();
            post(http, base, token, "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
            post(http, base, token, "/api/v1/namespaces/bench/secrets", JSON.writeValueAsString(Map.of(
                    "apiVersion", "v1", "kind", "Secret", "metadata", Map.of("name", "engine", "namespace", "bench"),
                    "stringData", Map.of("user", OvirtEngineTestServer.USER, "password", OvirtEngineTestServer.PASSWORD,
                            "cacert", engine.tls.caPem))));
            long t0 = System.nanoTime();
            JsonNode provider = post(http, base, token, "/apis/forklift.konveyor.io/v1beta1/namespaces/bench/providers",
                    JSON.writeValueAsString(Map.of("apiVersion", "forklift.konveyor.io/v1beta1", "kind", "Provider",
                            "metadata", Map.of("name", "engine", "namespace", "bench"),
                            "spec", Map.of("type", "ovirt", "url", engine.url,
                                    "settings", Map.of("eventPollSeconds", System.getProperty("pollSeconds", "1")),
                                    "secret", Map.of("name", "engine", "namespace", "bench")))));
            String uid = provider.path("metadata").path("uid").asText();
            int expected = ids.size() + 2; // the clones and the two recorded VMs
            long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                JsonNode list = get(http, base, token, "/providers/ovirt/" + uid + "/vms");
                int n = list == null ? 0 : (list.isArray() ? list : list.path("items")).size();
                if (n >= expected) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("inventory API lists " + n + " of " + expected + " VMs after 10 minutes");
                }
                Thread.sleep(100);
            }
            System.out.printf("through hoist serve: Provider created -> %d VMs listed by GET /providers/ovirt/<uid>/vms: %.2f s%n",
                    expected, (System.nanoTime() - t0) / 1e9);
            List<Double> delays = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                String id = ids.get((i * 89 + 7) % ids.size());
                String name = "api-renamed-" + i;
                long done = System.nanoTime();
                engine.editVm(id, vm -> vm.getElementsByTagName("name").item(0).setTextContent(name), "VM renamed");
                long until = done + TimeUnit.SECONDS.toNanos(60);
                boolean seen = false;
                while (System.nanoTime() < until) {
                    JsonNode vm = get(http, base, token, "/providers/ovirt/" + uid + "/vms/" + id);
                    if (vm != null && name.equals(vm.path("name").asText())) {
                        seen = true;
                        break;
                    }
                    Thread.sleep(5);
                }
                delays.add(seen ? (System.nanoTime() - done) / 1e6 : Double.NaN);
            }
            Collections.sort(delays);
            System.out.printf("through hoist serve: change -> GET /providers/ovirt/<uid>/vms/<id> over %d renames "
                    + "(eventPollSeconds %s): median %.0f ms, max %.0f ms%n", changes, System.getProperty("pollSeconds", "1"),
                    delays.get(delays.size() / 2), delays.get(delays.size() - 1));
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    static boolean answers(HttpClient http, String base) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).GET().build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (Exception notYet) {
            return false; // still starting
        }
    }

    static JsonNode get(HttpClient http, String base, String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    static JsonNode post(HttpClient http, String base, String token, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
