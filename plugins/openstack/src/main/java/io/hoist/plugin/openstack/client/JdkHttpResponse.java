package io.hoist.plugin.openstack.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.core.transport.ClientConstants;
import org.openstack4j.core.transport.ExecutionOptions;
import org.openstack4j.core.transport.HttpEntityHandler;
import org.openstack4j.core.transport.HttpResponse;
import org.openstack4j.core.transport.ObjectMapperSingleton;

/** A JDK {@link java.net.http.HttpResponse} as openstack4j's {@link HttpResponse}; the body is read once. */
final class JdkHttpResponse implements HttpResponse {
    private final java.net.http.HttpResponse<InputStream> response;

    JdkHttpResponse(java.net.http.HttpResponse<InputStream> response) {
        this.response = response;
    }

    @Override
    public <T> T getEntity(Class<T> returnType) {
        return getEntity(returnType, null);
    }

    @Override
    public <T> T getEntity(Class<T> returnType, ExecutionOptions<T> options) {
        return HttpEntityHandler.handle(this, returnType, options, Boolean.TRUE);
    }

    @Override
    public <T> T readEntity(Class<T> type) {
        try (InputStream in = response.body()) {
            return ObjectMapperSingleton.getContext(type).reader(type).readValue(in);
        } catch (IOException e) {
            throw new ClientResponseException(e.getMessage(), 0, e);
        }
    }

    @Override
    public int getStatus() {
        return response.statusCode();
    }

    @Override
    public String getContentType() {
        return header(ClientConstants.HEADER_CONTENT_TYPE);
    }

    @Override
    public String getStatusMessage() {
        return "HTTP " + response.statusCode();
    }

    @Override
    public InputStream getInputStream() {
        return response.body();
    }

    @Override
    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
            if (!e.getValue().isEmpty()) {
                out.put(e.getKey(), e.getValue().get(0));
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
