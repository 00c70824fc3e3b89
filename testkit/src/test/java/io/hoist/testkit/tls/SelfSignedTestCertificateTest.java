package io.hoist.testkit.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** A real HTTPS server on 127.0.0.1 serves the certificate; a client that trusts only its PEM connects. Cost: about 1 s (keytool). */
class SelfSignedTestCertificateTest {
    @Test
    void aClientTrustingThePemReachesAServerUsingTheContext() throws Exception {
        SelfSignedTestCertificate tls = SelfSignedTestCertificate.create("engine.example.test");
        assertThat(tls.certificate.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .containsExactlyInAnyOrder("127.0.0.1", "localhost", "engine.example.test");
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext));
        server.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
            try (HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(tls.caPem)).build()) {
                assertThat(trusting.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .isEqualTo("ok");
            }
            // the JDK's default trust store does not know it: the certificate is really self-signed
            try (HttpClient defaults = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(SSLHandshakeException.class);
            }
        } finally {
            server.stop(0);
        }
    }

    private static SSLContext trusting(String pem) throws Exception {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        List<?> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        ts.setCertificateEntry("ca", (java.security.cert.Certificate) certs.getFirst());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
