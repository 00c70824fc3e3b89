package io.hoist.core.transfer.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.EngineDiskIo;
import io.hoist.core.transfer.testing.Images;
import io.hoist.core.transfer.testing.RangeFileTestServer;
import io.hoist.core.transfer.testing.TestCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against a JDK HttpsServer with a keytool-made certificate. */
class ProviderHttpClientsTest {
    @TempDir
    static Path dir;

    static TestCertificates cert;
    static Path img;

    @BeforeAll
    static void setUp() throws Exception {
        cert = TestCertificates.selfSigned(dir, "ip:127.0.0.1,dns:localhost");
        img = Images.mixed(dir, "src.img", 1024 * 1024, 1, 61);
    }

    private static long sizeVia(TlsSettings tls, URI uri) throws Exception {
        try (var r = new EngineDiskIo(new ProviderHttpClients()).openHttp(uri, tls, Map.of())) {
            return r.size();
        }
    }

    private static String fingerprint(String algorithm, boolean colons) throws Exception {
        String hex = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(cert.certificate.getEncoded()));
        return colons ? String.join(":", hex.split("(?<=\\G..)")) : hex;
    }

    @Test
    void defaultTrustRejectsAnUnknownCa() throws Exception {
        try (var server = RangeFileTestServer.https(img, cert.serverContext)) {
            assertThatThrownBy(() -> sizeVia(TlsSettings.DEFAULT, server.uri("127.0.0.1")))
                    .hasStackTraceContaining("unable to find valid certification path");
        }
    }

    @Test
    void providerCaIsTrustedForThatProviderOnly() throws Exception {
        try (var server = RangeFileTestServer.https(img, cert.serverContext)) {
            assertThat(sizeVia(new TlsSettings(cert.pem, null, false), server.uri("127.0.0.1"))).isEqualTo(1024 * 1024);
            assertThat(sizeVia(new TlsSettings(cert.pem, null, false), server.uri("localhost"))).isEqualTo(1024 * 1024);
            // The JVM default was not touched: a plain client still refuses the server.
            assertThat(SSLContext.getDefault()).isNotSameAs(new ProviderHttpClients().sslContext(new TlsSettings(cert.pem, null, false)));
            assertThatThrownBy(() -> sizeVia(TlsSettings.DEFAULT, server.uri("127.0.0.1"))).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void hostNameMismatchFailsEvenWithTheRightCa() throws Exception {
        TestCertificates other = TestCertificates.selfSigned(dir, "dns:other.example");
        try (var server = RangeFileTestServer.https(img, other.serverContext)) {
            assertThatThrownBy(() -> sizeVia(new TlsSettings(other.pem, null, false), server.uri("127.0.0.1")))
                    .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
            // Pinning the exact certificate trusts it by identity, whatever its names.
            assertThat(sizeVia(new TlsSettings(null, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(other.certificate.getEncoded())), false), server.uri("127.0.0.1")))
                    .isEqualTo(1024 * 1024);
        }
    }

    @Test
    void thumbprintPinningAcceptsSha1AndSha256AndRejectsOthers() throws Exception {
        try (var server = RangeFileTestServer.https(img, cert.serverContext)) {
            assertThat(sizeVia(new TlsSettings(null, fingerprint("SHA-1", true), false), server.uri("127.0.0.1"))).isEqualTo(1024 * 1024);
            assertThat(sizeVia(new TlsSettings(null, fingerprint("SHA-256", false).toLowerCase(), false), server.uri("127.0.0.1"))).isEqualTo(1024 * 1024);
            String wrong = "AA:" + fingerprint("SHA-1", true).substring(3);
            assertThatThrownBy(() -> sizeVia(new TlsSettings(null, wrong, false), server.uri("127.0.0.1")))
                    .hasStackTraceContaining("does not match the configured thumbprint");
        }
    }

    @Test
    void insecureSkipVerifyOnlyWhenSet() throws Exception {
        try (var server = RangeFileTestServer.https(img, cert.serverContext)) {
            assertThat(sizeVia(new TlsSettings(null, null, true), server.uri("127.0.0.1"))).isEqualTo(1024 * 1024);
            assertThatThrownBy(() -> sizeVia(new TlsSettings(null, null, false), server.uri("127.0.0.1"))).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void badThumbprintIsAClearError() {
        assertThatThrownBy(() -> new ProviderHttpClients().sslContext(new TlsSettings(null, "12:34", false)))
                .hasMessageContaining("thumbprint must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits)");
        assertThatThrownBy(() -> new ProviderHttpClients().sslContext(new TlsSettings("not a pem", null, false)))
                .hasMessageContaining("TLS settings");
    }
}
