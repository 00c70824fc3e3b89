package io.hoist.core.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 over a real socket with MTV's admission: each hostile input gets a clear error naming the field and
 * the limit, and the platform still answers and restarts cleanly afterwards.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileInputTest {
    static final String NS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo";
    static final String PLANS = NS + "/plans";

    @TempDir
    Path dir;

    static HoistServer.Builder builder() {
        return HoistServer.builder().admission(new MtvAdmission()).namespaces("demo", "prod");
    }

    /** Short deadlines, for the slow-client cases only (a pooled client may reuse a connection being closed). */
    static HoistServer.Builder impatient() {
        return builder().readTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(2));
    }

    static String plan(String name) {
        return "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Plan\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"targetNamespace\":\"demo\",\"provider\":{\"source\":{\"name\":\"vsphere\",\"namespace\":\"demo\"},"
                + "\"destination\":{\"name\":\"host\",\"namespace\":\"demo\"}},\"map\":{\"network\":{\"name\":\"net\",\"namespace\":\"demo\"},"
                + "\"storage\":{\"name\":\"st\",\"namespace\":\"demo\"}},\"vms\":[{\"id\":\"vm-1\"}]}}";
    }

    static void assertStatus(Reply r, int code, String... mentions) {
        assertThat(r.status()).as(r.body()).isEqualTo(code);
        JsonNode s = r.json();
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        for (String m : mentions) {
            assertThat(r.body()).contains(m);
        }
    }

    static void stillServes(RunningServer api, String name) {
        assertThat(api.get("/version").status()).isEqualTo(200);
        assertThat(api.post(PLANS, plan(name)).status()).isEqualTo(201);
        assertThat(api.get(PLANS).status()).isEqualTo(200);
    }

    // ---- item 3: the store and /status ----

    @Test
    void garbageStatusIsRefusedByTheCrdSchemaAndNothingIsStored() {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            assertThat(api.post(PLANS, plan("p1")).status()).isEqualTo(201);
            Reply put = api.send(api.request(PLANS + "/p1/status").header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"p1\"},\"status\":{\"conditions\":\"garbage\"}}")).build());
            assertStatus(put, 422, "status.conditions", "array");
            assertStatus(api.patch(PLANS + "/p1/status", "{\"status\":{\"conditions\":\"garbage\"}}"), 422, "status.conditions");
            assertThat(api.get(PLANS + "/p1").json().has("status")).isFalse();
            // a valid status still goes in
            Reply ok = api.patch(PLANS + "/p1/status", "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                    + "\"category\":\"Required\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }
    }

    @Test
    void statusOverTheStoreLimitIsRefusedWith413AndThePlanIsIntact() {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            assertThat(api.post(PLANS, plan("p1")).status()).isEqualTo(201);
            String big = "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"category\":\"Required\","
                    + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"message\":\"" + "m".repeat(1_700_000) + "\"}]}}";
            assertStatus(api.patch(PLANS + "/p1/status", big), 413, "1572864 bytes", "Plan demo/p1");
            assertThat(api.get(PLANS + "/p1").status()).isEqualTo(200);
            stillServes(api, "after");
        }
        try (RunningServer again = new RunningServer(builder(), dir)) {
            assertThat(again.get(PLANS).json().path("items")).hasSize(2);
        }
    }

    @Test
    void anUnreadableStoredRowIsSkippedReportedAndDeletableAfterARestart() throws Exception {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            assertThat(api.post(PLANS, plan("good")).status()).isEqualTo(201);
            assertThat(api.post(PLANS, plan("bad")).status()).isEqualTo(201);
        }
        // the row an older version could store: a message over the reader's 20 MB string limit
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteResourceStore.DB_FILE));
             PreparedStatement ps = c.prepareStatement("UPDATE objects SET body = ? WHERE name = 'bad'")) {
            ps.setString(1, "{\"metadata\":{\"name\":\"bad\",\"namespace\":\"demo\"},\"status\":{\"m\":\"" + "a".repeat(20_100_000) + "\"}}");
            ps.executeUpdate();
        }
        try (RunningServer api = new RunningServer(builder(), dir)) {
            assertThat(api.server.store().unreadable()).hasSize(1);
            Reply list = api.get(PLANS);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().path("items")).hasSize(1);
            assertStatus(api.get(PLANS + "/bad"), 500, "cannot be read", "String value length", "delete it");
            assertThat(api.delete(PLANS + "/bad").status()).isEqualTo(200);
            assertThat(api.server.store().unreadable()).isEmpty();
            stillServes(api, "bad");
        }
        try (RunningServer api = new RunningServer(builder(), dir)) {
            assertThat(api.server.store().unreadable()).isEmpty();
            assertThat(api.get(PLANS).json().path("items")).hasSize(2);
        }
    }

    // ---- item 6: YAML ----

    @Test
    void yamlAliasesAreRefusedNamingTheLine() {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            String yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s1\nstringData:\n  password: &pw hunter2\n  password2: *pw\n";
            Reply r = api.send(api.request("/api/v1/namespaces/demo/secrets").header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
            assertStatus(r, 400, "alias", "line 7");
            assertThat(r.body()).doesNotContain("hunter2");
            String undefined = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\ndata:\n  a: *nowhere\n";
            assertStatus(api.send(api.request("/api/v1/namespaces/demo/configmaps").header("Content-Type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(undefined)).build()), 400);
            assertThat(api.get("/api/v1/namespaces/demo/secrets/s1").status()).isEqualTo(404);
        }
    }

    @Test
    void largeYamlScalarsAreParsedOffTheEventLoop() throws Exception {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Reply>> slow = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    // each 1.4 MB scalar costs SnakeYAML seconds (quadratic scanner), more on a loaded machine
                    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big-" + i + "\ndata:\n  k: "
                            + "x".repeat(1_400_000) + "\n";
                    slow.add(pool.submit(() -> api.send(api.request("/api/v1/namespaces/demo/configmaps")
                            .timeout(Duration.ofMinutes(4)).header("Content-Type", "application/yaml")
                            .POST(HttpRequest.BodyPublishers.ofString(yaml)).build())));
                }
                Thread.sleep(500);
                // answered on the event loop, and a store read on the worker pool: neither waits behind the parsing
                long start = System.nanoTime();
                assertThat(api.get("/version").status()).isEqualTo(200);
                assertThat(api.get(PLANS).status()).isEqualTo(200);
                long ms = (System.nanoTime() - start) / 1_000_000;
                // no latency bound (machines are loaded): the proof is that both answered before the parsing ended
                assertThat(slow).as("still parsing after /version and a list answered in " + ms + " ms")
                        .anyMatch(f -> !f.isDone());
                for (Future<Reply> f : slow) {
                    assertThat(f.get(4, TimeUnit.MINUTES).status()).isEqualTo(201);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- item 7: HTTP ----

    @Test
    void percentEncodedDotSegmentsCannotReachAnotherNamespace() {
        try (RunningServer api = new RunningServer(builder(), dir)) {
            String hook = "{\"apiVersion\":\"forklift.konveyor.io/v1beta1\",\"kind\":\"Hook\",\"metadata\":{\"name\":\"victim\"},"
                    + "\"spec\":{\"image\":\"quay.io/konveyor/hook-runner\"}}";
            assertThat(api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/prod/hooks", hook).status()).isEqualTo(201);
            for (String path : List.of(NS + "/hooks/x/%2e%2e/%2e%2e/%2e%2e/prod/hooks/victim",
                    NS + "/hooks/x/%2E%2E/%2E%2E/%2E%2E/prod/hooks/victim", NS + "/hooks/x/./../../../prod/hooks/victim",
                    NS + "/hooks/%2e/victim")) {
                Reply r = api.send(api.request(path).DELETE().build());
                assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(400);
                assertThat(r.body()).contains("segment");
            }
            assertThat(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/prod/hooks/victim").status()).isEqualTo(200);
        }
    }

    @Test
    void slowHeadersAndSlowBodiesAreCutOff() throws Exception {
        try (RunningServer api = new RunningServer(impatient(), dir)) {
            URI base = URI.create(api.server.url());
            // a partial request head, never finished
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                long start = System.nanoTime();
                assertThat(s.getInputStream().read()).as("server closes the connection").isEqualTo(-1);
                assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_000L, 25_000L);
            }
            // a body announced and trickled too slowly
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST " + PLANS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token
                        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = readAll(s.getInputStream(), out);
                assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive within 3 s");
            }
            // an idle keep-alive connection after an answered request
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(s.getInputStream(), null);
                assertThat(answer).startsWith("HTTP/1.1 200");
            }
            // a partial head of a second request on a kept-alive connection
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token
                        + "\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(s.getInputStream(), null);
                assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("HTTP/1.1 400");
            }
            stillServes(api, "after-slow-clients");
        }
    }

    @Test
    void tls12OffersOnlyForwardSecretAeadSuites() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        assertThat(run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString())).startsWith("0");
        try (RunningServer api = new RunningServer(builder().tls(cert, key), dir.resolve("data"))) {
            String at = "127.0.0.1:" + api.server.port();
            // openssl is the client: the JDK's own client refuses some of these suites before the server is asked
            for (String refused : List.of("AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384")) {
                assertThat(run("openssl", "s_client", "-connect", at, "-tls1_2", "-cipher", refused))
                        .as(refused).startsWith("1");
            }
            for (String accepted : List.of("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305")) {
                assertThat(run("openssl", "s_client", "-connect", at, "-tls1_2", "-cipher", accepted))
                        .as(accepted).startsWith("0").contains(accepted);
            }
            assertThat(run("openssl", "s_client", "-connect", at, "-tls1_3")).startsWith("0").contains("TLSv1.3");
            assertThat(run("openssl", "s_client", "-connect", at, "-tls1_1")).startsWith("1");
        }
    }

    /** Runs a command with no input; returns its exit code, a space, and its output. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return p.exitValue() + " " + out;
    }

    /** Reads until the server closes; while waiting, trickles a byte of body every 500 ms when {@code trickle} is set. */
    private static String readAll(InputStream in, OutputStream trickle) throws IOException {
        StringBuilder sb = new StringBuilder();
        CompletableFuture<Void> dripping = trickle == null ? null : CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 100; i++) {
                    Thread.sleep(500);
                    trickle.write(' ');
                    trickle.flush();
                }
            } catch (Exception closed) {
                // the server hung up: what this test expects
            }
        });
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        if (dripping != null) {
            dripping.cancel(true);
        }
        return sb.toString();
    }
}
