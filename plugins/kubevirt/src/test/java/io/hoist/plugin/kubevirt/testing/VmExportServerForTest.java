package io.hoist.plugin.kubevirt.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of KubeVirt's export controller and export server: a thread that marks each
 * VirtualMachineExport Ready (only while its VM is halted, as KubeVirt requires) with links to an
 * HTTP server over a real socket that serves the volumes' bytes with Range support, checking the
 * export token from the export's Secret.
 */
public final class VmExportServerForTest implements AutoCloseable {
    private final KubernetesClient client;
    private final HttpServer server;
    private final Map<String, byte[]> volumes = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Thread controller;
    private volatile boolean stop;

    private final String caCertPem;

    /** {@code caCertPem}: what the export's links.external.cert says (any valid PEM; the server speaks http). */
    public VmExportServerForTest(KubernetesClient client, String caCertPem) throws IOException {
        this.client = client;
        this.caCertPem = caCertPem;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/volumes/", this::serve);
        server.start();
        controller = new Thread(this::reconcileLoop, "vm-export-controller-for-test");
        controller.setDaemon(true);
        controller.start();
    }

    /** The bytes of {@code namespace/claim}. */
    public void putVolume(String namespace, String claim, byte[] data) {
        volumes.put(namespace + "/" + claim, data);
    }

    private void reconcileLoop() {
        while (!stop) {
            try {
                for (GenericKubernetesResource export : client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT).inAnyNamespace().list().getItems()) {
                    reconcile(export);
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The mock server goes away at the end of a test.
            }
        }
    }

    private void reconcile(GenericKubernetesResource export) {
        if ("Ready".equals(export.get("status", "phase"))) {
            return;
        }
        String ns = export.getMetadata().getNamespace();
        String vmName = export.get("spec", "source", "name");
        GenericKubernetesResource vm = client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace(ns).withName(vmName).get();
        if (vm == null || !"Halted".equals(vm.get("spec", "runStrategy"))) {
            return; // KubeVirt keeps the export Pending while the VM runs.
        }
        Secret secret = client.secrets().inNamespace(ns).withName((String) export.get("spec", "tokenSecretRef")).get();
        if (secret == null) {
            return;
        }
        tokens.put(ns, new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8));
        List<Object> vols = new java.util.ArrayList<>();
        for (Object v : (List<?>) vm.get("spec", "template", "spec", "volumes")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> volume = (Map<String, Object>) v;
            @SuppressWarnings("unchecked")
            Map<String, Object> dv = (Map<String, Object>) volume.get("dataVolume");
            if (dv != null) {
                String claim = (String) dv.get("name");
                String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/volumes/" + ns + "/" + claim;
                vols.add(Map.of("name", claim, "formats", List.of(
                        Map.of("format", "raw", "url", base + "/disk.img"),
                        Map.of("format", "gzip", "url", base + "/disk.img.gz"))));
            }
        }
        export.setAdditionalProperty("status", Map.of("phase", "Ready",
                "links", Map.of("external", Map.of("cert", caCertPem, "volumes", vols))));
        client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT).inNamespace(ns).resource(export).updateStatus();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // /volumes/{ns}/{claim}/disk.img
            String ns = parts[2];
            byte[] data = volumes.get(ns + "/" + parts[3]);
            String token = exchange.getRequestHeaders().getFirst("x-kubevirt-export-token");
            if (data == null || token == null || !token.equals(tokens.get(ns))) {
                exchange.sendResponseHeaders(data == null ? 404 : 401, -1);
                return;
            }
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Content-Length", Long.toString(data.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            int from = 0;
            int to = data.length - 1;
            if (range != null && range.startsWith("bytes=")) {
                String[] fromTo = range.substring(6).split("-");
                from = Integer.parseInt(fromTo[0]);
                to = Math.min(to, Integer.parseInt(fromTo[1]));
            }
            int length = Math.max(0, to - from + 1);
            if (range != null) {
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + data.length);
            }
            exchange.sendResponseHeaders(range == null ? 200 : 206, length == 0 ? -1 : length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data, from, length);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        controller.interrupt();
        controller.join(2000);
        server.stop(0);
    }
}
