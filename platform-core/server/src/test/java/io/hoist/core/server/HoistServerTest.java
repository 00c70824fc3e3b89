package io.hoist.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.RouteContributor;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The composition root: options, auth, data files, lifecycle, contributed routes, TLS. */
class HoistServerTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreLoopback8080InHomeDotHoist() {
        HoistServer.Options o = HoistServer.builder().admission(new AdmissionTestDouble()).build().options();
        assertThat(o.bind()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".hoist").toAbsolutePath());
        assertThat(o.tls()).isFalse();
    }

    @Test
    void nonLoopbackBindWithoutTlsIsRefused() {
        assertThatThrownBy(() -> HoistServer.builder().admission(new AdmissionTestDouble()).bind("0.0.0.0").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-cert");
        assertThatThrownBy(() -> HoistServer.builder().admission(new AdmissionTestDouble()).tls(dir.resolve("c"), null).build())
                .hasMessageContaining("together");
        assertThatThrownBy(() -> HoistServer.builder().admission(new AdmissionTestDouble()).port(70000).build())
                .hasMessageContaining("--port");
        assertThatThrownBy(() -> HoistServer.builder().build()).hasMessageContaining("admission");
        // Loopback in any spelling is fine.
        assertThat(HoistServer.builder().admission(new AdmissionTestDouble()).bind("::1").build().options().bind()).isEqualTo("::1");
        assertThat(HoistServer.builder().admission(new AdmissionTestDouble()).bind("localhost").build()).isNotNull();
    }

    @Test
    void everyRouteNeedsTheTokenAndDataFilesArePrivate() throws Exception {
        try (RunningServer api = RunningServer.start(dir)) {
            Path token = dir.resolve("token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
            assertThat(api.token).hasSizeGreaterThanOrEqualTo(40);
            Path info = dir.resolve("server.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(info))).isEqualTo("rw-------");
            String infoText = Files.readString(info);
            assertThat(RunningServer.JSON.readTree(infoText).get("url").asText()).isEqualTo(api.server.url());
            assertThat(infoText).doesNotContain(api.token);

            for (String path : List.of("/openapi.json", "/apis/forklift.konveyor.io/v1beta1/plans",
                    "/api/v1/namespaces/x/secrets", "/no/such/route")) {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(api.server.url() + path));
                HttpResponse<String> none = api.http.send(req.GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(RunningServer.JSON.readTree(none.body()).get("reason").asText()).isEqualTo("Unauthorized");
                HttpResponse<String> wrong = api.http.send(req.header("Authorization", "Bearer " + api.token + "x").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            }
            assertThat(api.get("/apis/forklift.konveyor.io/v1beta1/plans").status()).isEqualTo(200);
        }
        // The same token is reused on restart; server.json is gone after stop.
        assertThat(Files.exists(dir.resolve("server.json"))).isFalse();
        String first = Files.readString(dir.resolve("token")).trim();
        try (RunningServer again = RunningServer.start(dir)) {
            assertThat(again.token).isEqualTo(first);
        }
    }

    @Test
    void componentsAndContributedRoutesShareLifecycleAuthAndErrors() throws Exception {
        List<String> lifecycle = new ArrayList<>();
        HoistServer.Component component = new HoistServer.Component() {
            @Override
            public void start(HoistServer.Context context) {
                lifecycle.add("start:" + (context.store() != null) + ":" + context.dataDir().equals(dir.toAbsolutePath()));
            }

            @Override
            public void stop() {
                lifecycle.add("stop");
            }
        };
        RouteContributor inventory = new RouteContributor() {
            @Override
            public void addRoutes(Router router, HoistServer.Context context) {
                router.get("/inventory/:thing").handler(ctx -> {
                    if (ctx.pathParam("thing").equals("bad")) {
                        throw ApiException.badRequest("no such thing");
                    }
                    ctx.response().end("{\"thing\":\"" + ctx.pathParam("thing") + "\"}");
                });
            }

            @Override
            public ObjectNode openApiPaths() {
                ObjectNode paths = JsonNodeFactory.instance.objectNode();
                paths.putObject("/inventory/{thing}").putObject("get").put("summary", "a thing");
                return paths;
            }
        };
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble())
                .component(component).routes(inventory), dir)) {
            assertThat(lifecycle).containsExactly("start:true:true");
            assertThat(api.get("/inventory/vm1").json().get("thing").asText()).isEqualTo("vm1");
            JsonNode bad = api.get("/inventory/bad").json();
            assertThat(bad.get("code").asInt()).isEqualTo(400);
            assertThat(bad.get("message").asText()).isEqualTo("no such thing");
            HttpResponse<String> unauth = api.http.send(HttpRequest.newBuilder(URI.create(api.server.url() + "/inventory/vm1"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauth.statusCode()).isEqualTo(401);
            assertThat(api.get("/openapi.json").json().at("/paths").has("/inventory/{thing}")).isTrue();
        }
        assertThat(lifecycle).containsExactly("start:true:true", "stop");
    }

    @Test
    void servesTlsOnANonLoopbackBind() throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).isZero();

        HoistServer server = HoistServer.builder().admission(new AdmissionTestDouble()).dataDir(dir.resolve("data"))
                .bind("0.0.0.0").port(0).tls(cert, key).build().start();
        try {
            assertThat(server.url()).startsWith("https://");
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(cert)) {
                trust.setCertificateEntry("hoist", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            String token = Files.readString(dir.resolve("data/token")).trim();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/apis/forklift.konveyor.io/v1beta1/providers"))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(RunningServer.JSON.readTree(r.body()).get("kind").asText()).isEqualTo("ProviderList");
            // Plain HTTP to the TLS port does not get an API answer.
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/openapi.json")).GET().build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        } finally {
            server.stop();
        }
    }

    @Test
    void aFailedStartUndoesWhatStarted() throws Exception {
        List<String> lifecycle = new ArrayList<>();
        try (RunningServer first = RunningServer.start(dir.resolve("a"))) {
            HoistServer clash = HoistServer.builder().admission(new AdmissionTestDouble()).dataDir(dir.resolve("b"))
                    .port(first.server.port()).component(new HoistServer.Component() {
                        @Override
                        public void start(HoistServer.Context c) { lifecycle.add("start"); }

                        @Override
                        public void stop() { lifecycle.add("stop"); }
                    }).build();
            assertThatThrownBy(clash::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed to start");
            assertThat(lifecycle).containsExactly("start", "stop");
        }
    }
}
