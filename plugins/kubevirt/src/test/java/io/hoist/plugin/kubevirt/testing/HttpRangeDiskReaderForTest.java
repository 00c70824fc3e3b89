package io.hoist.plugin.kubevirt.testing;

import io.hoist.api.transfer.DiskReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Test double of the transfer engine's HTTP reader ({@code DiskIo.openHttp}): HEAD for the size,
 * GET with a Range header per read, the given headers on every request.
 */
public final class HttpRangeDiskReaderForTest implements DiskReader {
    private final URI url;
    private final Map<String, String> headers;
    private final HttpClient http = HttpClient.newHttpClient();

    public HttpRangeDiskReaderForTest(URI url, Map<String, String> headers) {
        this.url = url;
        this.headers = Map.copyOf(headers);
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(url);
        headers.forEach(b::header);
        return b;
    }

    @Override
    public long size() throws IOException {
        HttpResponse<Void> r = send(request().method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        check(r.statusCode());
        return r.headers().firstValueAsLong("Content-Length").orElseThrow(() -> new IOException("no Content-Length from " + url));
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        long end = offset + dst.remaining() - 1;
        HttpResponse<byte[]> r = send(request().header("Range", "bytes=" + offset + "-" + end).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        check(r.statusCode());
        dst.put(r.body());
        return r.body().length;
    }

    private void check(int status) throws IOException {
        if (status / 100 != 2) {
            throw new IOException(url + " answered " + status);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String describe() {
        return "test HTTP reader of " + url;
    }

    @Override
    public void close() {}
}
