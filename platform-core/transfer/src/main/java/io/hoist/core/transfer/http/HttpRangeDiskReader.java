package io.hoist.core.transfer.http;

import io.hoist.api.transfer.DiskReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image behind an http(s) URL, read with {@code Range} requests; the JDK client keeps a pool of keep-alive
 * connections, one per concurrent request. The body is copied once, from the client's buffers straight into the
 * caller's buffer. Headers (e.g. Authorization) are sent but never logged or put in errors.
 */
public final class HttpRangeDiskReader implements DiskReader {
    private static final Pattern CONTENT_RANGE_TOTAL = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+)");

    private final HttpClient client;
    private final URI url;
    private final Map<String, String> headers;
    private final Duration requestTimeout;
    private final long size;

    public HttpRangeDiskReader(HttpClient client, URI url, Map<String, String> headers, Duration requestTimeout) throws IOException {
        HttpUrls.requireHttp(url);
        this.client = client;
        this.url = url;
        this.headers = Map.copyOf(headers == null ? Map.of() : headers);
        this.requestTimeout = requestTimeout;
        this.size = probeSize();
    }

    /** Asks for the first byte: a 206 with {@code Content-Range: bytes 0-0/SIZE} also proves Range support. */
    private long probeSize() throws IOException {
        HttpResponse<byte[]> r = send(request("bytes=0-0"), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 206) {
            String cr = r.headers().firstValue("Content-Range").orElse("");
            Matcher m = CONTENT_RANGE_TOTAL.matcher(cr);
            if (m.find()) {
                return Long.parseLong(m.group(3));
            }
            throw new IOException(describe() + ": 206 reply without a usable Content-Range header");
        }
        if (r.statusCode() == 416) {
            return 0; // empty image
        }
        if (r.statusCode() == 200) {
            throw new IOException(describe() + ": server ignores Range requests (answered 200 to a range of 1 byte)");
        }
        throw new IOException(describe() + ": HTTP " + r.statusCode() + " for the first byte");
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int n = (int) Math.max(0, Math.min(dst.remaining(), size - offset));
        if (n == 0) {
            return 0;
        }
        HttpResponse<Integer> r = send(request("bytes=" + offset + "-" + (offset + n - 1)), info -> {
            if (info.statusCode() != 206) {
                return HttpResponse.BodySubscribers.replacing(-info.statusCode());
            }
            return new IntoBuffer(dst, n);
        });
        int got = r.body();
        if (got < 0) {
            throw new IOException(describe() + ": HTTP " + (-got) + " for range " + offset + "+" + n);
        }
        if (got != n) {
            throw new IOException(describe() + ": short body for range " + offset + "+" + n + ": " + got + " bytes");
        }
        return n;
    }

    private HttpRequest request(String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).GET().timeout(requestTimeout).header("Range", range);
        headers.forEach(b::header);
        return b.build();
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(describe() + ": interrupted");
        } catch (IOException e) {
            // The JDK's messages may echo the URL; say what failed with the redacted one instead.
            throw new IOException(describe() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /** Copies body bytes into the destination as they arrive; completes with the count. */
    private static final class IntoBuffer implements HttpResponse.BodySubscriber<Integer> {
        private final ByteBuffer dst;
        private final int limit;
        private final CompletableFuture<Integer> result = new CompletableFuture<>();
        private int count;
        private Flow.Subscription subscription;

        IntoBuffer(ByteBuffer dst, int limit) {
            this.dst = dst;
            this.limit = limit;
        }

        @Override
        public CompletionStage<Integer> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int n = item.remaining();
                if (count + n > limit) {
                    subscription.cancel();
                    result.complete(count + n);
                    return;
                }
                dst.put(item);
                count += n;
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(count);
        }
    }

    @Override
    public String describe() {
        return HttpUrls.redact(url);
    }

    @Override
    public void close() {
        // the shared client owns the connections
    }
}
