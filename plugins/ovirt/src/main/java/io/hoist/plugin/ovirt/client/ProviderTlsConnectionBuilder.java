package io.hoist.plugin.ovirt.client;

import java.time.Duration;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import org.apache.http.client.config.CookieSpecs;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.ovirt.engine.sdk4.ConnectionBuilder;
import org.ovirt.engine.sdk4.HttpClient;
import org.ovirt.engine.sdk4.internal.HttpClient45;

/**
 * The SDK's connection builder with this provider's own TLS context. The SDK's builders trust either a
 * trust-store file or the JVM's default trust store, and its insecure mode installs a trust-all manager; this one
 * takes the SSLContext the host built from the provider's {@code cacert}/{@code insecureSkipVerify}, so one
 * provider's trust never reaches another or the JVM default. Requests also get a read timeout (the SDK sets none:
 * a silent engine would hang a call forever).
 */
public final class ProviderTlsConnectionBuilder extends ConnectionBuilder {
    private final SSLContext sslContext;
    private final boolean verifyHostname;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    public ProviderTlsConnectionBuilder(SSLContext sslContext, boolean verifyHostname, Duration connectTimeout,
                                        Duration readTimeout) {
        this.sslContext = sslContext;
        this.verifyHostname = verifyHostname;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    @Override
    protected HttpClient createHttpClient() {
        if (!"https".equals(getProtocol())) {
            throw new IllegalArgumentException("the engine URL must use https");
        }
        HostnameVerifier names = verifyHostname ? new DefaultHostnameVerifier() : NoopHostnameVerifier.INSTANCE;
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager(
                RegistryBuilder.<ConnectionSocketFactory>create()
                        .register("https", new SSLConnectionSocketFactory(sslContext, names))
                        .build());
        pool.setDefaultMaxPerRoute(16);
        pool.setMaxTotal(32);
        RequestConfig config = RequestConfig.custom()
                .setCookieSpec(CookieSpecs.IGNORE_COOKIES)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setConnectionRequestTimeout((int) readTimeout.toMillis())
                .setSocketTimeout((int) readTimeout.toMillis())
                .build();
        return new HttpClient45(HttpClientBuilder.create()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(config)
                .disableAutomaticRetries()
                .build());
    }
}
