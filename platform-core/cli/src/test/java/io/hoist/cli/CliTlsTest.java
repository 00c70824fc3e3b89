package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.HoistServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client commands against the real HoistServer serving https with a self-signed certificate made by the
 * JDK's keytool: verified with --cacert, refused without it, and accepted only with the explicit
 * --insecure-skip-tls-verify (which says so).
 */
class CliTlsTest {
    @TempDir
    Path dir;

    @Test
    void verifiesTheServerCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        selfSigned(cert, key);
        HoistServer server = HoistServer.builder().dataDir(dir.resolve("data")).port(0).tls(cert, key)
                .admission(new ProviderUrlAdmissionTestDouble()).build().start();
        try {
            assertThat(server.url()).startsWith("https://");
            String token = Files.readString(dir.resolve("data").resolve("token")).trim();
            CliHarness cli = new CliHarness(Map.of("HOIST_SERVER", server.url(), "HOIST_TOKEN", token));

            CliHarness.Result trusted = cli.run("get", "plans", "--cacert", cert.toString());
            assertThat(trusted.code()).isZero();
            assertThat(trusted.err()).isEqualTo("No plans found in namespace default.\n");

            CliHarness.Result untrusted = cli.run("get", "plans");
            assertThat(untrusted.code()).isEqualTo(1);
            assertThat(untrusted.err()).startsWith("error: TLS handshake with " + server.url() + " failed")
                    .endsWith("(trust its CA with --cacert FILE)\n");
            assertThat(untrusted.err().lines()).hasSize(1);

            CliHarness.Result insecure = cli.run("get", "plans", "--insecure-skip-tls-verify");
            assertThat(insecure.code()).isZero();
            assertThat(insecure.err()).startsWith("warning: TLS verification is off (--insecure-skip-tls-verify)\n");
        } finally {
            server.stop();
        }
    }

    /** A certificate for 127.0.0.1 and its PKCS#8 key, as PEM files. */
    private void selfSigned(Path certPem, Path keyPem) throws Exception {
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process gen = new ProcessBuilder(keytool, "-genkeypair", "-alias", "hoist", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(gen.getInputStream().readAllBytes());
        assertThat(gen.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gen.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(ks.getCertificate("hoist").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        PrivateKey pk = (PrivateKey) ks.getKey("hoist", "changeit".toCharArray());
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(pk.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }
}
