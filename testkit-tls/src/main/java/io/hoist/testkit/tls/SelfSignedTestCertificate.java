package io.hoist.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A fresh self-signed EC certificate for 127.0.0.1 and localhost (and any DNS names asked for), made by the running
 * JDK's keytool, for a test server's TLS: {@link #serverContext} serves it, {@link #caPem} is what a Provider's
 * Secret trusts ({@code cacert}). Valid two days; nothing is left on disk.
 */
public final class SelfSignedTestCertificate {
    private static final String PASS = "changeit";

    public final SSLContext serverContext;
    public final String caPem;
    public final X509Certificate certificate;

    private SelfSignedTestCertificate(SSLContext serverContext, String caPem, X509Certificate certificate) {
        this.serverContext = serverContext;
        this.caPem = caPem;
        this.certificate = certificate;
    }

    /** @param extraDnsNames DNS names the certificate also holds (an example's host name resolved to loopback) */
    public static SelfSignedTestCertificate create(String... extraDnsNames) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("hoist-test-tls");
            Path ks = dir.resolve("server.p12");
            StringBuilder san = new StringBuilder("san=ip:127.0.0.1,dns:localhost");
            for (String name : extraDnsNames) {
                san.append(",dns:").append(name);
            }
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=hoist-test", "-ext", san.toString(), "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", PASS, "-keypass", PASS);
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, PASS.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, PASS.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            X509Certificate cert = (X509Certificate) store.getCertificate("server");
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.delete(ks);
            return new SelfSignedTestCertificate(ctx, pem, cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("test certificate: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("test certificate: interrupted", e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a leftover empty temp folder harms no test
                }
            }
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
