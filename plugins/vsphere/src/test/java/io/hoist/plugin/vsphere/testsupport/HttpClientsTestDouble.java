package io.hoist.plugin.vsphere.testsupport;

import io.hoist.api.host.HttpClients;
import io.hoist.api.transfer.TlsSettings;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Stand-in for the transfer engine's per-provider HttpClients (branch h/transfer) until it lands:
 * trust is the PEM CA, else a thumbprint pin, else the JVM default; insecureSkipVerify trusts all,
 * for that client only.
 */
public final class HttpClientsTestDouble implements HttpClients {
    @Override
    public SSLContext sslContext(TlsSettings tls) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            X509TrustManager tm;
            if (tls.insecureSkipVerify()) {
                tm = new Pinned(null);
            } else if (tls.caCertPem() != null) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                        new ByteArrayInputStream(tls.caCertPem().getBytes(StandardCharsets.US_ASCII)))) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                tm = (X509TrustManager) tmf.getTrustManagers()[0];
            } else if (tls.thumbprint() != null) {
                tm = new Pinned(tls.thumbprint().replace(":", "").toLowerCase());
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                tm = (X509TrustManager) tmf.getTrustManagers()[0];
            }
            ctx.init(null, new javax.net.ssl.TrustManager[] {tm}, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public HttpClient client(TlsSettings tls, Duration connectTimeout) {
        return HttpClient.newBuilder().sslContext(sslContext(tls)).connectTimeout(connectTimeout).build();
    }

    /** Trusts one fingerprint (SHA-1 or SHA-256), or anything when null; skips host name checks. */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String hex;

        Pinned(String hex) {
            this.hex = hex;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (hex == null) {
                return;
            }
            try {
                String alg = hex.length() == 40 ? "SHA-1" : "SHA-256";
                String got = HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(chain[0].getEncoded()));
                if (!got.equals(hex)) {
                    throw new CertificateException("server certificate does not match the pinned thumbprint");
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
        }

        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException { check(c); }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException { check(c); }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException { check(c); }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws CertificateException { throw new CertificateException("client"); }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException { throw new CertificateException("client"); }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException { throw new CertificateException("client"); }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
