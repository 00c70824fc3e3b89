package io.hoist.policy.builtins;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.testkit.tls.SelfSignedTestCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * http.send's Host header (Go's Request.Host) and tls_server_name as the SNI name (Go's tls.Config.ServerName),
 * against real local servers that answer with the Host header and the SNI names they received.
 */
class HttpSendHostAndServerNameTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OTHER_NAME = "vcenter.example.test";
    private static HttpServer http;
    private static HttpsServer https;
    private static ExecutorService serverThreads;
    private static SelfSignedTestCertificate certificate;
    private static byte[] wasm;

    @BeforeAll
    static void startServers() throws IOException {
        serverThreads = Executors.newVirtualThreadPerTaskExecutor();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(serverThreads);
        http.createContext("/seen", HttpSendHostAndServerNameTest::answerWhatWasSeen);
        http.start();
        // the certificate holds localhost, 127.0.0.1 and the other name, so only the SNI name tells them apart
        certificate = SelfSignedTestCertificate.create(OTHER_NAME);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext));
        https.setExecutor(serverThreads);
        https.createContext("/seen", HttpSendHostAndServerNameTest::answerWhatWasSeen);
        https.start();
        wasm = RegoCompiler.compile(List.of(new SourceFile("t.rego", "package t\nsend := http.send(input.req)\n")), List.of("t/send")).wasm();
    }

    @AfterAll
    static void stopServers() {
        http.stop(0);
        https.stop(0);
        serverThreads.shutdownNow();
    }

    private static void answerWhatWasSeen(HttpExchange ex) throws IOException {
        Map<String, Object> seen = new HashMap<>();
        seen.put("host", ex.getRequestHeaders().getFirst("Host"));
        List<String> sni = new ArrayList<>();
        if (ex instanceof HttpsExchange secure && secure.getSSLSession() instanceof ExtendedSSLSession session) {
            for (SNIServerName n : session.getRequestedServerNames()) sni.add(((SNIHostName) n).getAsciiName());
        }
        seen.put("sni", sni);
        byte[] body = JSON.writeValueAsBytes(seen);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (var out = ex.getResponseBody()) { out.write(body); }
    }

    private static JsonNode send(Map<String, Object> req) throws IOException {
        Limits limits = Limits.defaults().withTimeBudget(Duration.ofMinutes(2)).withNetwork(true).withStrictBuiltinErrors(true);
        PolicyInstance p = PolicyEngine.load(wasm, "{}", limits);
        JsonNode set = JSON.readTree(p.evaluate("t/send", JSON.writeValueAsString(Map.of("req", req))));
        JsonNode response = set.get(0).get("result");
        assertThat(response.get("status_code").asInt()).as("response %s", response).isEqualTo(200);
        return response.get("body");
    }

    @Test
    void aHostHeaderReachesTheServerInsteadOfTheUrlsHost() throws IOException {
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/seen";
        assertThat(send(Map.of("method", "GET", "url", url)).get("host").asText()).isEqualTo("127.0.0.1:" + http.getAddress().getPort());
        assertThat(send(Map.of("method", "GET", "url", url, "headers", Map.of("Host", OTHER_NAME))).get("host").asText()).isEqualTo(OTHER_NAME);
        assertThat(send(Map.of("method", "GET", "url", url, "headers", Map.of("host", "lower.example.test"))).get("host").asText())
                .as("header names are case-insensitive").isEqualTo("lower.example.test");
    }

    @Test
    void overTlsTheHostHeaderIsSentWhileSniAndTheCertificateCheckKeepTheUrlsHost() throws IOException {
        String url = "https://localhost:" + https.getAddress().getPort() + "/seen";
        JsonNode seen = send(Map.of("method", "GET", "url", url, "tls_ca_cert", certificate.caPem, "headers", Map.of("Host", OTHER_NAME)));
        assertThat(seen.get("host").asText()).isEqualTo(OTHER_NAME);
        assertThat(seen.get("sni").get(0).asText()).as("as in Go, SNI comes from the URL, not the Host header").isEqualTo("localhost");
    }

    @Test
    void tlsServerNameIsTheSniNameForAUrlWithAHostName() throws IOException {
        String byName = "https://localhost:" + https.getAddress().getPort() + "/seen";
        assertThat(send(Map.of("method", "GET", "url", byName, "tls_ca_cert", certificate.caPem)).get("sni").get(0).asText())
                .isEqualTo("localhost");
        JsonNode named = send(Map.of("method", "GET", "url", byName, "tls_ca_cert", certificate.caPem, "tls_server_name", OTHER_NAME));
        assertThat(named.get("sni").get(0).asText()).isEqualTo(OTHER_NAME);
        assertThat(named.get("sni")).hasSize(1);
        String byAddress = "https://127.0.0.1:" + https.getAddress().getPort() + "/seen";
        assertThat(send(Map.of("method", "GET", "url", byAddress, "tls_ca_cert", certificate.caPem, "tls_server_name", OTHER_NAME))
                .get("sni").get(0).asText()).isEqualTo(OTHER_NAME);
        assertThat(send(Map.of("method", "GET", "url", byName, "tls_server_name", OTHER_NAME, "tls_insecure_skip_verify", true))
                .get("sni").get(0).asText()).as("sent even when verification is off, as Go does").isEqualTo(OTHER_NAME);
    }
}
