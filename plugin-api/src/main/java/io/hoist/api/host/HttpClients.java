package io.hoist.api.host;

import io.hoist.api.transfer.TlsSettings;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Per-provider TLS and HTTP clients. A provider's CA or insecureSkipVerify applies to its own
 * clients only, never to the JVM default or another provider.
 */
public interface HttpClients {
    SSLContext sslContext(TlsSettings tls);

    /** Whether host names are verified; false only with insecureSkipVerify. */
    default boolean verifyHostname(TlsSettings tls) {
        return !tls.insecureSkipVerify();
    }

    HttpClient client(TlsSettings tls, Duration connectTimeout);
}
