package io.hoist.core.transfer.tls;

import io.hoist.api.host.HttpClients;
import io.hoist.api.transfer.TlsSettings;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * An {@link SSLContext} and {@link HttpClient} per {@link TlsSettings}, never touching the JVM defaults.
 * <ul>
 *   <li>nothing set: the JDK's trusted CAs, host names verified;</li>
 *   <li>{@code caCertPem}: only these CAs (one or more PEM certificates), host names verified;</li>
 *   <li>{@code thumbprint}: the server's own certificate must have this SHA-1/SHA-256 fingerprint (pinning, as
 *       vCenter users know it); with a CA as well, both must hold;</li>
 *   <li>{@code insecureSkipVerify}: no verification at all, only when explicitly set.</li>
 * </ul>
 * Clients are cached per settings and timeout because each JDK HttpClient owns a selector thread and a pool.
 */
public final class ProviderHttpClients implements HttpClients {
    private final Map<TlsSettings, SSLContext> contexts = new ConcurrentHashMap<>();
    private final Map<Key, HttpClient> clients = new ConcurrentHashMap<>();

    private record Key(TlsSettings tls, Duration connectTimeout) {}

    @Override
    public SSLContext sslContext(TlsSettings tls) {
        TlsSettings t = tls == null ? TlsSettings.DEFAULT : tls;
        return contexts.computeIfAbsent(t, ProviderHttpClients::build);
    }

    @Override
    public HttpClient client(TlsSettings tls, Duration connectTimeout) {
        TlsSettings t = tls == null ? TlsSettings.DEFAULT : tls;
        return clients.computeIfAbsent(new Key(t, connectTimeout), k -> HttpClient.newBuilder()
                .sslContext(sslContext(k.tls()))
                .connectTimeout(k.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    private static SSLContext build(TlsSettings tls) {
        try {
            X509ExtendedTrustManager trust;
            if (tls.insecureSkipVerify()) {
                trust = new TrustingTrustManager(null, null);
            } else {
                X509ExtendedTrustManager chain = tls.caCertPem() == null || tls.caCertPem().isBlank()
                        ? (tls.thumbprint() != null ? null : systemTrust(null))
                        : systemTrust(caKeyStore(tls.caCertPem()));
                String pin = tls.thumbprint() == null || tls.thumbprint().isBlank() ? null : Thumbprints.normalize(tls.thumbprint());
                trust = pin == null ? chain : new TrustingTrustManager(chain, pin);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trust}, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("TLS settings: " + e.getMessage(), e);
        }
    }

    private static KeyStore caKeyStore(String pem) throws GeneralSecurityException, java.io.IOException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        var certs = cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (certs.isEmpty()) {
            throw new IllegalArgumentException("TLS settings: caCertPem holds no PEM certificate");
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (var c : certs) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        return ks;
    }

    private static X509ExtendedTrustManager systemTrust(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager available");
    }

    /**
     * Pins the leaf certificate's fingerprint (then also checks {@code chain} if given), or with neither trusts
     * everything (insecureSkipVerify). Host names are checked by {@code chain} only: a pinned certificate is
     * trusted by identity, not by name.
     */
    private static final class TrustingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager chain;
        private final String pin;

        TrustingTrustManager(X509ExtendedTrustManager chain, String pin) {
            this.chain = chain;
            this.pin = pin;
        }

        private void checkPin(X509Certificate[] certs) throws CertificateException {
            if (pin == null) {
                return;
            }
            if (certs == null || certs.length == 0) {
                throw new CertificateException("server sent no certificate to compare with the pinned thumbprint");
            }
            String actual = Thumbprints.of(certs[0], pin.length());
            if (!actual.equals(pin)) {
                throw new CertificateException("server certificate thumbprint " + actual
                        + " does not match the configured thumbprint " + pin);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            checkPin(certs);
            if (chain != null) {
                chain.checkServerTrusted(certs, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            checkPin(certs);
            if (chain != null) {
                chain.checkServerTrusted(certs, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            checkPin(certs);
            if (chain != null) {
                chain.checkServerTrusted(certs, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain != null ? chain.getAcceptedIssuers() : new X509Certificate[0];
        }
    }

}
