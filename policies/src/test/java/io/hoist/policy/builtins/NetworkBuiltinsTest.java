package io.hoist.policy.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http.send and net.lookup_ip_addr against real servers on loopback: an HTTP server (echo, JSON, slow, cached
 * responses, hit counters) and an HTTPS server whose certificate keytool makes at test time.
 */
class NetworkBuiltinsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            package t
            import rego.v1
            send := http.send(input.req)
            twice := [a, b] if {
              a := http.send(input.req)
              b := http.send(input.req)
            }
            lookup := net.lookup_ip_addr(input.name)
            schema := json.match_schema({"n": 1}, {"properties": {"n": {"$ref": input.ref}}})
            """;
    private static HttpServer http;
    private static HttpsServer https, mutualTls;
    private static ExecutorService serverThreads;
    private static final Map<String, AtomicInteger> HITS = new ConcurrentHashMap<>();
    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    private static String base, secureBase, mutualBase, caPem, serverKeyPem, clientCertPem, clientKeyPkcs8Pem, clientKeyPkcs1Pem,
            ecClientCertPem, ecClientKeyPem;
    private static byte[] wasm;

    @BeforeAll
    static void startServers(@TempDir Path dir) throws Exception {
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(serverThreads);
        http.createContext("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String reply = JSON.writeValueAsString(Map.of("method", ex.getRequestMethod(),
                    "x_test", String.valueOf(ex.getRequestHeaders().getFirst("X-Test")), "body", body));
            respond(ex, 200, "application/json", reply, Map.of("X-Multi", List.of("a", "b")));
        });
        http.createContext("/text-json", ex -> respond(ex, 201, "text/plain", "{\"n\": 7}", Map.of()));
        http.createContext("/teapot", ex -> respond(ex, 418, "text/plain", "short and stout", Map.of()));
        http.createContext("/slow", ex -> {
            try { RELEASE_SLOW.await(60, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            respond(ex, 200, "text/plain", "late", Map.of());
        });
        http.createContext("/count", ex -> {
            String q = ex.getRequestURI().getQuery();
            int n = HITS.computeIfAbsent(q, k -> new AtomicInteger()).incrementAndGet();
            String cc = q.startsWith("fresh") ? "max-age=300" : "no-store";
            respond(ex, 200, "application/json", "{\"hit\": " + n + "}", Map.of("Cache-Control", List.of(cc)));
        });
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();

        Path ks = dir.resolve("server.p12");
        run(keytool(), "-genkeypair", "-alias", "srv", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3650", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        caPem = run(keytool(), "-exportcert", "-rfc", "-alias", "srv", "-keystore", ks.toString(), "-storepass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(ks.toFile())) { store.load(in, "changeit".toCharArray()); }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl));
        https.setExecutor(serverThreads);
        https.createContext("/secure", ex -> respond(ex, 200, "application/json", "{\"secure\": true}", Map.of()));
        https.start();
        secureBase = "https://localhost:" + https.getAddress().getPort();

        // a server that requires a client certificate: it trusts the two client certificates made here and
        // answers with the subject of the one presented
        serverKeyPem = pem("PRIVATE KEY", store.getKey("srv", "changeit".toCharArray()).getEncoded());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        Path clients = dir.resolve("clients.p12");
        for (String[] c : List.of(new String[] {"rsa-client", "RSA", "2048"}, new String[] {"ec-client", "EC", "256"})) {
            run(keytool(), "-genkeypair", "-alias", c[0], "-keyalg", c[1], "-keysize", c[2], "-dname", "CN=" + c[0], "-validity", "3650",
                    "-storetype", "PKCS12", "-keystore", clients.toString(), "-storepass", "changeit", "-keypass", "changeit");
        }
        KeyStore clientStore = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(clients.toFile())) { clientStore.load(in, "changeit".toCharArray()); }
        clientCertPem = pem("CERTIFICATE", clientStore.getCertificate("rsa-client").getEncoded());
        byte[] rsaPkcs8 = clientStore.getKey("rsa-client", "changeit".toCharArray()).getEncoded();
        clientKeyPkcs8Pem = pem("PRIVATE KEY", rsaPkcs8);
        clientKeyPkcs1Pem = pem("RSA PRIVATE KEY", pkcs8Payload(rsaPkcs8));
        ecClientCertPem = pem("CERTIFICATE", clientStore.getCertificate("ec-client").getEncoded());
        ecClientKeyPem = pem("PRIVATE KEY", clientStore.getKey("ec-client", "changeit".toCharArray()).getEncoded());
        trusted.setCertificateEntry("rsa-client", clientStore.getCertificate("rsa-client"));
        trusted.setCertificateEntry("ec-client", clientStore.getCertificate("ec-client"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext mutual = SSLContext.getInstance("TLS");
        mutual.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        mutualTls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        mutualTls.setHttpsConfigurator(new HttpsConfigurator(mutual) {
            @Override public void configure(HttpsParameters params) {
                SSLParameters p = mutual.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        mutualTls.setExecutor(serverThreads);
        mutualTls.createContext("/who", ex -> respond(ex, 200, "application/json",
                JSON.writeValueAsString(Map.of("client", ((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName())), Map.of()));
        mutualTls.start();
        mutualBase = "https://localhost:" + mutualTls.getAddress().getPort();

        wasm = RegoCompiler.compile(List.of(new SourceFile("t.rego", POLICY)), List.of("t/send", "t/twice", "t/lookup", "t/schema")).wasm();
    }

    @AfterAll
    static void stopServers() {
        RELEASE_SLOW.countDown();
        if (http != null) http.stop(0);
        if (https != null) https.stop(0);
        if (mutualTls != null) mutualTls.stop(0);
        if (serverThreads != null) serverThreads.shutdownNow();
    }

    private static void respond(HttpExchange ex, int code, String type, String body, Map<String, List<String>> headers) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> v.forEach(x -> ex.getResponseHeaders().add(k, x)));
        ex.sendResponseHeaders(code, b.length);
        try (var out = ex.getResponseBody()) { out.write(b); }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The key inside a PKCS#8 PrivateKeyInfo (its third element, an OCTET STRING): PKCS#1 for an RSA key. */
    private static byte[] pkcs8Payload(byte[] pkcs8) {
        int[] at = {0};
        readHeader(pkcs8, at); // SEQUENCE
        for (int i = 0; i < 2; i++) { // version, AlgorithmIdentifier
            int skip = readHeader(pkcs8, at);
            at[0] += skip;
        }
        int len = readHeader(pkcs8, at); // OCTET STRING
        return Arrays.copyOfRange(pkcs8, at[0], at[0] + len);
    }

    /** Skips a DER tag and length; returns the length. */
    private static int readHeader(byte[] der, int[] at) {
        at[0]++;
        int b = der[at[0]++] & 0xff;
        if (b < 0x80) return b;
        int len = 0;
        for (int i = 0; i < (b & 0x7f); i++) len = len << 8 | (der[at[0]++] & 0xff);
        return len;
    }

    private static String keytool() { return Path.of(System.getProperty("java.home"), "bin", "keytool").toString(); }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    private static PolicyInstance policy(boolean network, boolean strict) {
        // the budget only bounds a hung request; every evaluation here ends as soon as its request does
        Limits limits = Limits.defaults().withTimeBudget(Duration.ofMinutes(2)).withNetwork(network).withStrictBuiltinErrors(strict);
        return PolicyEngine.load(wasm, "{}", limits);
    }

    private static JsonNode eval(PolicyInstance p, String entrypoint, Object input) throws IOException {
        JsonNode set = JSON.readTree(p.evaluate(entrypoint, JSON.writeValueAsString(input)));
        return set.isEmpty() ? null : set.get(0).get("result");
    }

    @Test
    void sendsMethodHeadersAndJsonBodyAndDecodesAJsonResponse() throws Exception {
        JsonNode r = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "post", "url", base + "/echo",
                "headers", Map.of("X-Test", "hello"), "body", Map.of("k", List.of(1, 2)))));
        assertThat(r.get("status_code").asInt()).isEqualTo(200);
        assertThat(r.get("status").asText()).isEqualTo("200 OK");
        assertThat(r.get("body").get("method").asText()).isEqualTo("POST");
        assertThat(r.get("body").get("x_test").asText()).isEqualTo("hello");
        assertThat(JSON.readTree(r.get("body").get("body").asText())).isEqualTo(JSON.readTree("{\"k\":[1,2]}"));
        assertThat(JSON.readTree(r.get("raw_body").asText()).get("method").asText()).isEqualTo("POST");
        assertThat(r.get("headers").get("x-multi")).hasSize(2);
        assertThat(r.get("headers").get("content-type").get(0).asText()).isEqualTo("application/json");
    }

    @Test
    void rawBodyIsSentAsIsAndForceJsonDecodeParsesAnyContentType() throws Exception {
        PolicyInstance p = policy(true, true);
        JsonNode echo = eval(p, "t/send", Map.of("req", Map.of("method", "PUT", "url", base + "/echo", "raw_body", "plain text")));
        assertThat(echo.get("body").get("body").asText()).isEqualTo("plain text");
        JsonNode text = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/text-json")));
        assertThat(text.get("body").isNull()).isTrue();
        assertThat(text.get("raw_body").asText()).isEqualTo("{\"n\": 7}");
        JsonNode forced = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/text-json", "force_json_decode", true)));
        assertThat(forced.get("body").get("n").asInt()).isEqualTo(7);
        assertThat(forced.get("status").asText()).isEqualTo("201 Created");
        JsonNode teapot = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/teapot")));
        assertThat(teapot.get("status_code").asInt()).as("an HTTP error status is a response, not an error").isEqualTo(418);
    }

    @Test
    void networkErrorIsAStatusZeroObjectWhenRaiseErrorIsFalse() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { closed = s.getLocalPort(); }
        String url = "http://127.0.0.1:" + closed + "/nothing";
        JsonNode r = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", url, "raise_error", false)));
        assertThat(r.get("status_code").asInt()).isZero();
        assertThat(r.get("error").get("code").asText()).isEqualTo("eval_http_send_network_error");
        assertThat(r.get("error").get("message").asText()).contains(url);
        // raise_error defaults to true: an error in strict mode, undefined otherwise (as OPA)
        assertThatThrownBy(() -> eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", url))))
                .isInstanceOfSatisfying(PolicyEvaluationException.class, e -> assertThat(e.code()).isEqualTo("eval_builtin_error"))
                .hasMessageContaining("http.send");
        assertThat(eval(policy(true, false), "t/send", Map.of("req", Map.of("method", "GET", "url", url)))).isNull();
    }

    @Test
    void credentialsInTheUrlNeverAppearInTheError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { closed = s.getLocalPort(); }
        JsonNode r = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET",
                "url", "http://admin:s3cret@127.0.0.1:" + closed + "/x", "raise_error", false)));
        assertThat(r.get("error").get("message").asText()).doesNotContain("s3cret").contains("***@127.0.0.1:" + closed);
    }

    @Test
    void timeoutEndsASlowRequest() throws Exception {
        JsonNode r = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/slow",
                "timeout", "300ms", "raise_error", false)));
        assertThat(r.get("status_code").asInt()).isZero();
        assertThat(r.get("error").get("message").asText()).contains("timed out");
    }

    @Test
    void tlsIsVerifiedAgainstTheGivenCaOrSkippedWhenAsked() throws Exception {
        PolicyInstance p = policy(true, true);
        String url = secureBase + "/secure";
        JsonNode untrusted = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "raise_error", false)));
        assertThat(untrusted.get("status_code").asInt()).as("self-signed certificate refused by default").isZero();
        JsonNode trusted = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert", caPem)));
        assertThat(trusted.get("body").get("secure").asBoolean()).isTrue();
        JsonNode skipped = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_insecure_skip_verify", true)));
        assertThat(skipped.get("status_code").asInt()).isEqualTo(200);
    }

    @Test
    void identicalRequestsAreSentOncePerEvaluation() throws Exception {
        String url = base + "/count?memo";
        JsonNode r = eval(policy(true, true), "t/twice", Map.of("req", Map.of("method", "GET", "url", url)));
        assertThat(r.get(0)).isEqualTo(r.get(1));
        assertThat(HITS.get("memo").get()).isEqualTo(1);
        eval(policy(true, true), "t/twice", Map.of("req", Map.of("method", "GET", "url", url)));
        assertThat(HITS.get("memo").get()).as("a new evaluation sends again (no cache asked)").isEqualTo(2);
    }

    @Test
    void cacheKeepsFreshResponsesAcrossEvaluationsAndForceCacheOverridesTheServer() throws Exception {
        PolicyInstance p = policy(true, true);
        Map<String, Object> fresh = Map.of("method", "GET", "url", base + "/count?fresh", "cache", true);
        assertThat(eval(p, "t/send", Map.of("req", fresh)).get("body").get("hit").asInt()).isEqualTo(1);
        assertThat(eval(p, "t/send", Map.of("req", fresh)).get("body").get("hit").asInt()).as("max-age=300: from the cache").isEqualTo(1);

        Map<String, Object> noStore = Map.of("method", "GET", "url", base + "/count?nostore", "cache", true);
        eval(p, "t/send", Map.of("req", noStore));
        assertThat(eval(p, "t/send", Map.of("req", noStore)).get("body").get("hit").asInt()).as("no-store is not cached").isEqualTo(2);

        Map<String, Object> forced = Map.of("method", "GET", "url", base + "/count?forced", "force_cache", true, "force_cache_duration_seconds", 300);
        eval(p, "t/send", Map.of("req", forced));
        assertThat(eval(p, "t/send", Map.of("req", forced)).get("body").get("hit").asInt()).isEqualTo(1);
        assertThat(HITS.get("forced").get()).isEqualTo(1);
    }

    @Test
    void unknownRequestKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", base, "bogus", 1))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("invalid request parameters(s): {\"bogus\"}");
    }

    @Test
    void withoutNetworkPermissionNothingLeavesTheProcess() throws Exception {
        String url = base + "/count?denied";
        assertThatThrownBy(() -> eval(policy(false, true), "t/send", Map.of("req", Map.of("method", "GET", "url", url))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("network access is disabled");
        assertThat(eval(policy(false, false), "t/send", Map.of("req", Map.of("method", "GET", "url", url, "raise_error", false))))
                .as("raise_error false does not turn the refusal into a request").isNull();
        assertThat(HITS).doesNotContainKey("denied");
        assertThatThrownBy(() -> eval(policy(false, true), "t/lookup", Map.of("name", "localhost")))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("network access is disabled");
    }

    @Test
    void aJsonSchemaRefToAUrlIsNeverFetchedEvenWithNetworkAllowed() throws Exception {
        assertThatThrownBy(() -> eval(policy(true, true), "t/schema", Map.of("ref", base + "/count?schema")))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("json.match_schema");
        assertThat(HITS).doesNotContainKey("schema");
    }

    @Test
    void lookupResolvesLocalhostThroughTheJvmResolver() throws Exception {
        JsonNode r = eval(policy(true, true), "t/lookup", Map.of("name", "localhost"));
        assertThat(r).isNotNull();
        assertThat(r.toString()).containsAnyOf("\"127.0.0.1\"", "\"::1\"");
        assertThatThrownBy(() -> eval(policy(true, true), "t/lookup", Map.of("name", "no-such-host.invalid")))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("no such host");
    }

    @Test
    void clientCertificateFromTextOrFilesIsPresentedToAServerThatRequiresOne(@TempDir Path dir) throws Exception {
        PolicyInstance p = policy(true, true);
        String url = mutualBase + "/who";
        JsonNode without = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert", caPem, "raise_error", false)));
        assertThat(without.get("status_code").asInt()).as("the server refuses a client without a certificate").isZero();

        JsonNode pkcs8 = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert", caPem,
                "tls_client_cert", clientCertPem, "tls_client_key", clientKeyPkcs8Pem)));
        assertThat(pkcs8.get("body").get("client").asText()).isEqualTo("CN=rsa-client");

        Path cert = Files.writeString(dir.resolve("client.crt"), clientCertPem);
        Path key = Files.writeString(dir.resolve("client.key"), clientKeyPkcs1Pem);
        Path ca = Files.writeString(dir.resolve("ca.crt"), caPem);
        JsonNode pkcs1Files = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert_file", ca.toString(),
                "tls_client_cert_file", cert.toString(), "tls_client_key_file", key.toString())));
        assertThat(pkcs1Files.get("body").get("client").asText()).as("PKCS#1 key read from a file").isEqualTo("CN=rsa-client");

        JsonNode ec = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert", caPem,
                "tls_client_cert", ecClientCertPem, "tls_client_key", ecClientKeyPem)));
        assertThat(ec.get("body").get("client").asText()).isEqualTo("CN=ec-client");
    }

    @Test
    void aClientKeyThatIsNotTheCertificatesIsAnErrorThatDoesNotQuoteTheKey() {
        assertThatThrownBy(() -> eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", mutualBase + "/who",
                "tls_ca_cert", caPem, "tls_client_cert", clientCertPem, "tls_client_key", serverKeyPem))))
                .isInstanceOf(PolicyEvaluationException.class)
                .hasMessageContaining("private key does not match public key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(serverKeyPem.lines().skip(1).findFirst().orElseThrow()));
    }

    @Test
    void systemCertsAndTheGivenCaTogetherTrustTheGivenCa() throws Exception {
        JsonNode r = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", secureBase + "/secure",
                "tls_ca_cert", caPem, "tls_use_system_certs", true)));
        assertThat(r.get("body").get("secure").asBoolean()).isTrue();
    }

    @Test
    void networkErrorsAreRetriedUpToMaxRetryAttempts() throws Exception {
        // a server that drops its first two connections without a word, then answers
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        if (connections.incrementAndGet() <= 2) continue;
                        s.getInputStream().read(new byte[4096]);
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"ok\": true}"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed by the test, or a client that went away
                    }
                }
            });
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/flaky";
            JsonNode once = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", url, "raise_error", false)));
            assertThat(once.get("status_code").asInt()).as("no retries by default").isZero();
            assertThat(once.get("error").get("code").asText()).isEqualTo("eval_http_send_network_error");
            JsonNode retried = eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", url, "max_retry_attempts", 3)));
            assertThat(retried.get("body").get("ok").asBoolean()).isTrue();
            assertThat(connections.get()).isGreaterThanOrEqualTo(3);
            server.close();
            acceptor.join(Duration.ofMinutes(1));
        }
        assertThatThrownBy(() -> eval(policy(true, true), "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/echo", "max_retry_attempts", -1))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("invalid value -1 for field \"max_retry_attempts\"");
    }

    @Test
    void bothCachingModesKeepResponsesAndAnUnknownModeIsAnError() throws Exception {
        PolicyInstance p = policy(true, true);
        for (String mode : List.of("serialized", "deserialized")) {
            Map<String, Object> req = Map.of("method", "GET", "url", base + "/count?fresh-" + mode, "cache", true, "caching_mode", mode);
            assertThat(eval(p, "t/send", Map.of("req", req)).get("body").get("hit").asInt()).isEqualTo(1);
            assertThat(eval(p, "t/send", Map.of("req", req)).get("body").get("hit").asInt()).as(mode + ": from the cache").isEqualTo(1);
        }
        assertThatThrownBy(() -> eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/echo", "caching_mode", "lazy"))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("invalid value specified for \"caching_mode\" field: lazy");
        JsonNode soft = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/echo", "caching_mode", "lazy", "raise_error", false)));
        assertThat(soft.get("error").get("code").asText()).isEqualTo("eval_http_send_internal_error");
    }


    @Test
    void tlsServerNameIsTheNameTheCertificateMustCarryInsteadOfTheUrlsHost() throws Exception {
        PolicyInstance p = policy(true, true);
        // the server's certificate names localhost and 127.0.0.1 only
        String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/secure";
        Map<String, Object> byIp = Map.of("method", "GET", "url", url, "tls_ca_cert", caPem);
        assertThat(eval(p, "t/send", Map.of("req", byIp)).get("status_code").asInt()).isEqualTo(200);
        Map<String, Object> named = Map.of("method", "GET", "url", url, "tls_ca_cert", caPem, "tls_server_name", "localhost");
        assertThat(eval(p, "t/send", Map.of("req", named)).get("body").get("secure").asBoolean()).isTrue();
        JsonNode other = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_ca_cert", caPem,
                "tls_server_name", "vcenter.example.test", "raise_error", false)));
        assertThat(other.get("status_code").asInt()).as("the URL's host is in the certificate, the server name is not").isZero();
        assertThat(other.get("error").get("message").asText()).contains("tls_server_name vcenter.example.test");
        JsonNode untrusted = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url,
                "tls_server_name", "localhost", "raise_error", false)));
        assertThat(untrusted.get("status_code").asInt()).as("the chain is still checked").isZero();
        JsonNode skipped = eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url,
                "tls_server_name", "vcenter.example.test", "tls_insecure_skip_verify", true)));
        assertThat(skipped.get("status_code").asInt()).isEqualTo(200);
        assertThatThrownBy(() -> eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", url, "tls_server_name", 7))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("\"tls_server_name\" must be a string");
    }

    @Test
    void cacheIgnoredHeadersAreLeftOutOfTheCacheKey() throws Exception {
        PolicyInstance p = policy(true, true);
        Map<String, Object> first = Map.of("method", "GET", "url", base + "/count?fresh-ignored", "cache", true,
                "headers", Map.of("X-Request-Id", "1", "Accept", "application/json"), "cache_ignored_headers", List.of("X-Request-Id"));
        Map<String, Object> second = Map.of("method", "GET", "url", base + "/count?fresh-ignored", "cache", true,
                "headers", Map.of("X-Request-Id", "2", "Accept", "application/json"), "cache_ignored_headers", List.of("X-Request-Id"));
        assertThat(eval(p, "t/send", Map.of("req", first)).get("body").get("hit").asInt()).isEqualTo(1);
        assertThat(eval(p, "t/send", Map.of("req", second)).get("body").get("hit").asInt()).as("only an ignored header differs").isEqualTo(1);
        Map<String, Object> otherAccept = Map.of("method", "GET", "url", base + "/count?fresh-ignored", "cache", true,
                "headers", Map.of("X-Request-Id", "3", "Accept", "text/plain"), "cache_ignored_headers", List.of("X-Request-Id"));
        assertThat(eval(p, "t/send", Map.of("req", otherAccept)).get("body").get("hit").asInt()).as("a header that counts differs").isEqualTo(2);

        Map<String, Object> kept1 = Map.of("method", "GET", "url", base + "/count?fresh-kept", "cache", true, "headers", Map.of("X-Request-Id", "1"));
        Map<String, Object> kept2 = Map.of("method", "GET", "url", base + "/count?fresh-kept", "cache", true, "headers", Map.of("X-Request-Id", "2"));
        eval(p, "t/send", Map.of("req", kept1));
        assertThat(eval(p, "t/send", Map.of("req", kept2)).get("body").get("hit").asInt()).as("without cache_ignored_headers every header counts").isEqualTo(2);

        assertThatThrownBy(() -> eval(p, "t/send", Map.of("req", Map.of("method", "GET", "url", base + "/echo",
                "headers", Map.of("A", "b"), "cache_ignored_headers", "A"))))
                .isInstanceOf(PolicyEvaluationException.class).hasMessageContaining("\"cache_ignored_headers\" must be an array of strings");
    }
}
