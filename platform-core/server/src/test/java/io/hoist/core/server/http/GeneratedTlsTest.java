package io.hoist.core.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.core.server.HoistServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hoist serve's own CA and certificate: made once in DATA/tls, reused, re-signed by the same CA for new names. */
class GeneratedTlsTest {
    @TempDir
    Path data;

    @Test
    void madeOnceWithPrivateKeysAndEveryLocalNameThenReused() throws Exception {
        GeneratedTls.Material first = GeneratedTls.ensure(data, GeneratedTls.subjectAltNames(List.of("hoist.example.com", "10.0.0.7")));
        assertThat(first.createdCa()).isTrue();
        assertThat(first.signedCert()).isTrue();
        Path tls = data.resolve("tls");
        for (String key : List.of("ca.key", "tls.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(key)))).isEqualTo("rw-------");
        }
        X509Certificate ca = GeneratedTls.readCertificate(tls.resolve("ca.crt"));
        X509Certificate leaf = GeneratedTls.readCertificate(tls.resolve("tls.crt"));
        leaf.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(GeneratedTls.names(leaf)).contains("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "hoist.example.com", "10.0.0.7");

        byte[] caBytes = Files.readAllBytes(tls.resolve("ca.crt"));
        byte[] leafBytes = Files.readAllBytes(tls.resolve("tls.crt"));
        GeneratedTls.Material again = GeneratedTls.ensure(data, GeneratedTls.subjectAltNames(List.of("hoist.example.com")));
        assertThat(again.createdCa()).isFalse();
        assertThat(again.signedCert()).isFalse();
        assertThat(Files.readAllBytes(tls.resolve("ca.crt"))).isEqualTo(caBytes);
        assertThat(Files.readAllBytes(tls.resolve("tls.crt"))).isEqualTo(leafBytes);

        // a new name: a new server certificate from the same CA (clients that trust ca.crt keep working)
        GeneratedTls.Material renamed = GeneratedTls.ensure(data, GeneratedTls.subjectAltNames(List.of("migrate.example.com")));
        assertThat(renamed.createdCa()).isFalse();
        assertThat(renamed.signedCert()).isTrue();
        assertThat(Files.readAllBytes(tls.resolve("ca.crt"))).isEqualTo(caBytes);
        X509Certificate resigned = GeneratedTls.readCertificate(tls.resolve("tls.crt"));
        resigned.verify(ca.getPublicKey());
        assertThat(GeneratedTls.names(resigned)).contains("migrate.example.com", "localhost");
    }

    @Test
    void aBadExtraNameIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> GeneratedTls.subjectAltNames(List.of("not a name")))
                .hasMessageContaining("--tls-san not a name");
        assertThatThrownBy(() -> HoistServer.builder().dataDir(data).generatedTls(List.of("bad/name")).build())
                .hasMessageContaining("--tls-san bad/name");
    }

    @Test
    void aServerWithTheGeneratedCertificateIsTrustedThroughItsCaOnly() throws Exception {
        try (HoistServer server = HoistServer.builder().dataDir(data).port(0).generatedTls(List.of()).build().start()) {
            assertThat(server.url()).startsWith("https://127.0.0.1:");
            Path ca = server.generatedTls().orElseThrow().caCert();
            assertThat(ca).isEqualTo(data.resolve("tls/ca.crt"));
            assertThat(Files.readString(data.resolve("server.json"))).contains("\"caCert\"", "tls/ca.crt");
            HttpRequest healthz = HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).build();
            try (HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(ca)).build()) {
                assertThat(trusting.send(healthz, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
            }
            // the JDK's default trust store does not know this CA: verification is on
            try (HttpClient defaults = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> defaults.send(healthz, HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(SSLHandshakeException.class);
            }
        }
        // restart: the same CA (a kubeconfig written before still works)
        byte[] ca = Files.readAllBytes(data.resolve("tls/ca.crt"));
        try (HoistServer server = HoistServer.builder().dataDir(data).port(0).generatedTls(List.of()).build().start()) {
            assertThat(server.generatedTls().orElseThrow().createdCa()).isFalse();
            assertThat(Files.readAllBytes(data.resolve("tls/ca.crt"))).isEqualTo(ca);
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("hoist-ca", GeneratedTls.readCertificate(caPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

}
