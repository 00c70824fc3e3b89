package io.hoist.plugin.ovirt.testsupport;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A fresh self-signed certificate for 127.0.0.1/localhost (and any names asked for) (made by the JDK's keytool) and its PEM, the tests' CA. */
public final class TestTls {
    public final SSLContext serverContext;
    public final String caPem;

    private TestTls(SSLContext serverContext, String caPem) {
        this.serverContext = serverContext;
        this.caPem = caPem;
    }

    /** @param extraNames DNS names the certificate also holds (an example's engine host name) */
    public static TestTls create(String... extraNames) {
        try {
            Path dir = Files.createTempDirectory("hoist-ovirt-tls");
            Path ks = dir.resolve("engine.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "engine", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=engine.hoist.test", "-ext", "san=ip:127.0.0.1,dns:localhost" + java.util.Arrays.stream(extraNames).map(n -> ",dns:" + n)
                            .collect(java.util.stream.Collectors.joining()), "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(store.getCertificate("engine").getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.delete(ks);
            Files.delete(dir);
            return new TestTls(ctx, pem);
        } catch (Exception e) {
            throw new IllegalStateException("test certificate: " + e, e);
        }
    }
}
