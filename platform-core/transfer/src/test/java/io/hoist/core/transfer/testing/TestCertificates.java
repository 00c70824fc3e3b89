package io.hoist.core.transfer.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A self-signed server certificate made by the JDK's keytool for the given subject alternative names. */
public final class TestCertificates {
    private static final char[] PASS = "changeit".toCharArray();
    public final SSLContext serverContext;
    public final String pem;
    public final X509Certificate certificate;

    private TestCertificates(SSLContext serverContext, String pem, X509Certificate certificate) {
        this.serverContext = serverContext;
        this.pem = pem;
        this.certificate = certificate;
    }

    /** {@code san} as keytool takes it, e.g. {@code ip:127.0.0.1,dns:localhost}. */
    public static TestCertificates selfSigned(Path dir, String san) throws Exception {
        Path ks = dir.resolve("server-" + System.nanoTime() + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Images.run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=hoist-test", "-ext", "san=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASS);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        X509Certificate cert = (X509Certificate) store.getCertificate("server");
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return new TestCertificates(ctx, pem, cert);
    }
}
