package io.hoist.plugin.openstack.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.HttpExecutorService;
import org.openstack4j.core.transport.HttpMethod;
import org.openstack4j.core.transport.HttpRequest;
import org.openstack4j.core.transport.HttpResponse;
import org.openstack4j.core.transport.ObjectMapperSingleton;

/**
 * openstack4j's HTTP connector on the JDK's {@link HttpClient}, found by openstack4j through
 * {@code META-INF/services}. Why not openstack4j's own connectors: the OkHttp one hands OkHttp 3 a bare
 * {@code SSLSocketFactory}, which OkHttp refuses on JDK 9+ (so a provider's {@code cacert} or
 * {@code insecureSkipVerify} cannot work), and the Apache HttpClient one builds a single JVM-wide client from
 * the first provider's settings. Here each provider's {@link Config} carries the {@link SSLContext} the host
 * built for its own TLS settings (trust, pinning and host-name checks live in that context's trust manager),
 * and one pooled client serves each such context.
 */
public final class JdkHttpConnector implements HttpExecutorService {
    private static final Map<Object, HttpClient> CLIENTS = new ConcurrentHashMap<>();
    private static final Object DEFAULT_KEY = new Object();
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    static HttpClient client(Config config) {
        SSLContext ssl = config.getSslContext();
        int connect = config.getConnectTimeout();
        return CLIENTS.computeIfAbsent(ssl == null ? DEFAULT_KEY : ssl, k -> {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofMillis(connect > 0 ? connect : 30_000));
            if (ssl != null) {
                b.sslContext(ssl);
            }
            return b.build();
        });
    }

    @Override
    public <R> HttpResponse execute(HttpRequest<R> request) {
        try {
            // a 401 (expired or revoked token) goes back to the caller: KeystoneSession re-authenticates and
            // repeats the whole call, since openstack4j's own re-authentication knows only its own logins
            return send(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException("interrupted", 0, e);
        } catch (IOException e) {
            throw new ConnectionException(e.getClass().getSimpleName() + ": " + e.getMessage(), 0, e);
        }
    }

    private static <R> JdkHttpResponse send(HttpRequest<R> request) throws IOException, InterruptedException {
        Config config = request.getConfig();
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(uri(request));
        if (config.getReadTimeout() > 0) {
            b.timeout(Duration.ofMillis(config.getReadTimeout()));
        }
        boolean hasContentType = false;
        for (Map.Entry<String, Object> h : request.getHeaders().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase()) && h.getValue() != null) {
                b.header(h.getKey(), String.valueOf(h.getValue()));
                hasContentType |= h.getKey().equalsIgnoreCase("Content-Type");
            }
        }
        BodyPublisher body = body(request);
        if (body != null && !hasContentType && request.getContentType() != null) {
            b.header("Content-Type", request.getContentType());
        }
        HttpMethod m = request.getMethod();
        b.method(m.name(), body != null ? body : BodyPublishers.noBody());
        var response = client(config).send(b.build(), BodyHandlers.ofInputStream());
        return new JdkHttpResponse(response);
    }

    private static BodyPublisher body(HttpRequest<?> request) throws IOException {
        Object entity = request.getEntity();
        if (entity instanceof InputStream in) {
            return BodyPublishers.ofInputStream(() -> in);
        }
        if (entity != null) {
            byte[] json = ObjectMapperSingleton.getContext(entity.getClass()).writer().writeValueAsBytes(entity);
            return BodyPublishers.ofByteArray(json);
        }
        if (request.hasJson()) {
            return BodyPublishers.ofString(request.getJson());
        }
        if (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PUT) {
            return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[0]));
        }
        return null;
    }

    private static URI uri(HttpRequest<?> request) {
        StringBuilder url = new StringBuilder(request.getUrl());
        if (request.hasQueryParams()) {
            char sep = url.indexOf("?") < 0 ? '?' : '&';
            for (Map.Entry<String, List<Object>> p : request.getQueryParams().entrySet()) {
                for (Object v : p.getValue()) {
                    url.append(sep).append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
                    sep = '&';
                }
            }
        }
        return URI.create(url.toString());
    }

    @Override
    public String getExecutorDisplayName() {
        return "Hoist JDK HttpClient connector";
    }
}
