package io.hoist.core.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's login over real sockets: one-time link, pasted token, logout, and the refusals — no
 * cookie/token (401), a cookie-authenticated write without the CSRF header or from another site (403), a
 * cross-site form post (refused, nothing stored).
 */
class ConsoleLoginTest {
    private static final String PLANS = "/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans";
    private static final String SECRETS = "/api/v1/namespaces/demo/secrets";

    @TempDir
    Path dir;

    private HttpRequest.Builder plain(RunningServer s, String path) {
        return HttpRequest.newBuilder(URI.create(s.server.url() + path)).timeout(Duration.ofSeconds(30));
    }

    private static String cookieOf(HttpResponse<?> r) {
        List<String> set = r.headers().allValues("Set-Cookie");
        assertThat(set).as("Set-Cookie").hasSize(1);
        String c = set.get(0);
        assertThat(c).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        return c.substring(0, c.indexOf(';'));
    }

    @Test
    void withoutCookieOrTokenTheApiAnswers401() {
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            assertThat(s.send(plain(s, PLANS).GET().build()).status()).isEqualTo(401);
            assertThat(s.send(plain(s, PLANS).header("Cookie", "hoist-session=made-up").GET().build()).status()).isEqualTo(401);
            assertThat(s.send(plain(s, "/console/auth/session").GET().build()).status()).isEqualTo(401);
            // a wrong bearer token is refused even with a valid cookie alongside
            String cookie = login(s);
            assertThat(s.send(plain(s, PLANS).header("Cookie", cookie).header("Authorization", "Bearer wrong").GET().build())
                    .status()).isEqualTo(401);
        }
    }

    @Test
    void oneTimeLinkSetsTheCookieOnceAndRedirects() {
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            HoistServer.ConsoleLink link = s.server.consoleLink();
            assertThat(link.url()).isEqualTo(s.server.url() + "/console/");
            String path = link.loginLink().substring(s.server.url().length());
            RunningServer.Reply first = s.send(plain(s, path).GET().build());
            assertThat(first.status()).isEqualTo(303);
            assertThat(first.raw().headers().firstValue("Location")).hasValue("/console/");
            assertThat(first.raw().headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            String cookie = cookieOf(first.raw());
            assertThat(s.send(plain(s, PLANS).header("Cookie", cookie).GET().build()).status()).isEqualTo(200);

            RunningServer.Reply again = s.send(plain(s, path).GET().build());
            assertThat(again.status()).isEqualTo(303);
            assertThat(again.raw().headers().firstValue("Location")).hasValue("/console/login?link=invalid");
            assertThat(again.raw().headers().allValues("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void cookieWritesNeedTheCsrfTokenAndTheSameOrigin() throws Exception {
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            RunningServer.Reply login = s.send(plain(s, "/console/auth/session").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + s.token + "\"}")).build());
            assertThat(login.status()).isEqualTo(200);
            String cookie = cookieOf(login.raw());
            String csrf = login.json().get("csrfToken").asText();
            assertThat(csrf).hasSizeGreaterThan(30);
            assertThat(login.body()).doesNotContain(s.token);

            String secret = "{\"metadata\":{\"name\":\"%s\"},\"stringData\":{\"k\":\"v\"}}";
            RunningServer.Reply noCsrf = s.send(plain(s, SECRETS).header("Cookie", cookie).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(secret.formatted("a"))).build());
            assertThat(noCsrf.status()).isEqualTo(403);
            assertThat(noCsrf.json().get("message").asText()).contains("CSRF");

            // What a cross-site form (enctype=text/plain) sends: refused on its Origin even with the token
            RunningServer.Reply crossSite = s.send(plain(s, SECRETS).header("Cookie", cookie).header("X-CSRF-Token", csrf)
                    .header("Content-Type", "text/plain").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(secret.formatted("b"))).build());
            assertThat(crossSite.status()).isEqualTo(403);
            assertThat(crossSite.json().get("message").asText()).contains("cross-site");
            // ... and an ordinary cross-site form post (urlencoded, no custom header)
            RunningServer.Reply form = s.send(plain(s, SECRETS).header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "cross-site")
                    .POST(HttpRequest.BodyPublishers.ofString("metadata=x")).build());
            assertThat(form.status()).isBetween(400, 499);

            RunningServer.Reply ok = s.send(plain(s, SECRETS).header("Cookie", cookie).header("X-CSRF-Token", csrf)
                    .header("Content-Type", "application/json").header("Origin", s.server.url())
                    .POST(HttpRequest.BodyPublishers.ofString(secret.formatted("c"))).build());
            assertThat(ok.status()).as(ok.body()).isEqualTo(201);
            JsonNode list = s.get(SECRETS).json();
            assertThat(list.get("items")).extracting(i -> i.path("metadata").path("name").asText()).containsExactly("c");

            // logout: needs the CSRF header too, then the cookie is worthless
            assertThat(s.send(plain(s, "/console/auth/session").header("Cookie", cookie).DELETE().build()).status()).isEqualTo(403);
            RunningServer.Reply out = s.send(plain(s, "/console/auth/session").header("Cookie", cookie)
                    .header("X-CSRF-Token", csrf).DELETE().build());
            assertThat(out.status()).isEqualTo(200);
            assertThat(out.raw().headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
            assertThat(s.send(plain(s, PLANS).header("Cookie", cookie).GET().build()).status()).isEqualTo(401);
        }
    }

    @Test
    void aWrongPastedTokenIsRefused() {
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            RunningServer.Reply r = s.send(plain(s, "/console/auth/session").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"not-the-token\"}")).build());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.raw().headers().allValues("Set-Cookie")).isEmpty();
            RunningServer.Reply empty = s.send(plain(s, "/console/auth/session").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(empty.status()).isEqualTo(422);
            assertThat(empty.json().at("/details/causes/0/field").asText()).isEqualTo("token");
        }
    }

    @Test
    void theConsoleIsServedWithoutLoginAndNewLinksNeedTheToken() {
        try (RunningServer s = RunningServer.start(dir, "demo")) {
            RunningServer.Reply root = s.send(plain(s, "/").GET().build());
            assertThat(root.status()).isEqualTo(303);
            assertThat(root.raw().headers().firstValue("Location")).hasValue("/console/");
            for (String page : List.of("/console/", "/console/plans/demo/p1")) {
                RunningServer.Reply r = s.send(plain(s, page).GET().build());
                assertThat(r.status()).as(page).isEqualTo(200);
                assertThat(r.body()).as(page).contains("<div id=\"root\">");
                assertThat(r.raw().headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
            }
            assertThat(s.send(plain(s, "/console/assets/missing.js").GET().build()).status()).isEqualTo(404);

            assertThat(s.send(plain(s, "/console/auth/links").POST(HttpRequest.BodyPublishers.noBody()).build()).status()).isEqualTo(401);
            RunningServer.Reply link = s.send(s.request("/console/auth/links").POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(link.status()).isEqualTo(201);
            String url = link.json().get("url").asText();
            assertThat(url).startsWith(s.server.url() + "/console/auth/link?code=");
            assertThat(s.send(plain(s, url.substring(s.server.url().length())).GET().build()).raw().headers()
                    .firstValue("Location")).hasValue("/console/");
        }
    }

    @Test
    void underTlsTheConsoleFollowsTheApisRulesAndTheCookieIsSecure() throws Exception {
        try (HoistServer server = HoistServer.builder().admission(new io.hoist.core.server.AdmissionTestDouble()).dataDir(dir)
                .port(0).generatedTls(List.of()).build().start()) {
            HoistServer.ConsoleLink link = server.consoleLink();
            assertThat(link.url()).startsWith("https://").isEqualTo(server.url() + "/console/");
            assertThat(link.loginLink()).startsWith(server.url() + "/console/auth/link?code=");
            HttpRequest follow = HttpRequest.newBuilder(URI.create(link.loginLink())).timeout(Duration.ofSeconds(30)).GET().build();
            // verification is on: a client that does not trust the platform's CA gets no page and spends no link
            try (HttpClient defaults = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> defaults.send(follow, HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
            try (HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(server.generatedTls().orElseThrow().caCert())).build()) {
                HttpResponse<String> r = trusting.send(follow, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(303);
                assertThat(r.headers().firstValue("Location")).hasValue("/console/");
                String cookie = cookieOf(r);
                assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).containsIgnoringCase("; Secure");
                HttpResponse<String> plans = trusting.send(HttpRequest.newBuilder(URI.create(server.url() + PLANS))
                        .header("Cookie", cookie).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(plans.statusCode()).isEqualTo(200);
            }
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (var in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("hoist-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private String login(RunningServer s) {
        String path = s.server.consoleLink().loginLink().substring(s.server.url().length());
        return cookieOf(s.send(plain(s, path).GET().build()).raw());
    }
}
