package io.hoist.core.transfer.http;

import io.hoist.core.transfer.copy.StreamingDiskWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Uploads a raw disk as one HTTP POST body of exactly {@code size} bytes (the shape CDI's upload proxy takes).
 * A stream has no holes and no random access: writes wait for their turn in offset order, zero runs are sent
 * as zero bytes, and a broken upload starts again from the beginning (CDI's upload server takes one POST or PUT body
 * from the first byte: no Range, offset or status query; see {@link StreamingDiskWriter}). Chunks travel through a small bounded queue of recycled arrays.
 */
public final class HttpUploadDiskWriter implements StreamingDiskWriter {
    private static final int CHUNK = 1024 * 1024;
    private static final int QUEUED_CHUNKS = 16;
    private static final byte[] END = new byte[0];

    private final URI url;
    private final long size;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turn = lock.newCondition();
    private final BlockingQueue<byte[]> filled = new ArrayBlockingQueue<>(QUEUED_CHUNKS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(QUEUED_CHUNKS + 2);
    private final CompletableFuture<HttpResponse<String>> response;
    private long next;
    private byte[] current;
    private int currentFill;
    private volatile boolean aborted;

    public HttpUploadDiskWriter(HttpClient client, URI url, Map<String, String> headers, long size, Duration timeout) {
        HttpUrls.requireHttp(url);
        this.url = url;
        this.size = size;
        for (int i = 0; i < QUEUED_CHUNKS + 2; i++) {
            free.add(new byte[CHUNK]);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new QueueInputStream()), size));
        (headers == null ? Map.<String, String>of() : headers).forEach(b::header);
        this.response = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        int n = src.remaining();
        awaitTurn(offset);
        try {
            while (src.hasRemaining()) {
                int take = Math.min(src.remaining(), CHUNK - currentFill);
                src.get(current(), currentFill, take);
                advance(take);
            }
        } finally {
            passTurn(offset + n);
        }
    }

    @Override
    public void writeZeroes(long offset, long length) throws IOException {
        awaitTurn(offset);
        try {
            long left = length;
            while (left > 0) {
                int take = (int) Math.min(left, CHUNK - currentFill);
                java.util.Arrays.fill(current(), currentFill, currentFill + take, (byte) 0);
                advance(take);
                left -= take;
            }
        } finally {
            passTurn(offset + length);
        }
    }

    private void awaitTurn(long offset) throws IOException {
        lock.lock();
        try {
            while (next != offset) {
                if (aborted || response.isDone()) {
                    throw new IOException(describe() + ": upload ended before offset " + offset);
                }
                if (offset < next) {
                    throw new IOException(describe() + ": an upload stream cannot go back to offset " + offset
                            + " (already at " + next + ")");
                }
                turn.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting to upload offset " + offset);
        } finally {
            lock.unlock();
        }
    }

    private void passTurn(long newNext) {
        lock.lock();
        try {
            next = newNext;
            turn.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private byte[] current() throws IOException {
        if (current == null) {
            try {
                while ((current = free.poll(1, TimeUnit.SECONDS)) == null) {
                    if (response.isDone()) {
                        throw new IOException(describe() + ": upload ended early: " + outcome());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading");
            }
            currentFill = 0;
        }
        return current;
    }

    private void advance(int n) throws IOException {
        currentFill += n;
        if (currentFill == CHUNK) {
            ship();
        }
    }

    private void ship() throws IOException {
        byte[] chunk = currentFill == CHUNK ? current : java.util.Arrays.copyOf(current, currentFill);
        if (chunk != current) {
            free.add(current);
        }
        current = null;
        currentFill = 0;
        try {
            while (!filled.offer(chunk, 1, TimeUnit.SECONDS)) {
                if (response.isDone()) {
                    throw new IOException(describe() + ": upload ended early: " + outcome());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading");
        }
    }

    private String outcome() {
        try {
            HttpResponse<String> r = response.getNow(null);
            return r == null ? "still running" : "HTTP " + r.statusCode();
        } catch (RuntimeException e) {
            return String.valueOf(e.getCause() != null ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName());
        }
    }

    /** The HTTP client pulls the body from here on its own thread. */
    private final class QueueInputStream extends InputStream {
        private byte[] chunk;
        private int pos;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                while (chunk == null || pos == chunk.length) {
                    if (chunk != null && chunk.length == CHUNK) {
                        free.offer(chunk);
                    }
                    chunk = filled.take();
                    pos = 0;
                    if (chunk == END) {
                        chunk = END;
                        return -1;
                    }
                    if (aborted) {
                        throw new IOException("upload aborted");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    @Override
    public void abort() {
        aborted = true;
        response.cancel(true);
        filled.offer(END);
        lock.lock();
        try {
            turn.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Nothing can be made durable half-way through a stream; the upload is complete only at {@link #close()}. */
    @Override
    public void flush() {}

    @Override
    public long size() {
        return size;
    }

    @Override
    public String describe() {
        return "upload " + HttpUrls.redact(url);
    }

    /** Finishes the upload: fails unless every byte was sent and the server answered 2xx. */
    @Override
    public void close() throws IOException {
        lock.lock();
        long sent;
        try {
            sent = next;
        } finally {
            lock.unlock();
        }
        if (sent != size || aborted) {
            abort();
            throw new IOException(describe() + ": upload abandoned after " + sent + " of " + size + " bytes");
        }
        if (currentFill > 0) {
            ship();
        }
        try {
            filled.put(END);
            HttpResponse<String> r = response.get(10, TimeUnit.MINUTES);
            if (r.statusCode() / 100 != 2) {
                String body = r.body() == null ? "" : r.body();
                throw new IOException(describe() + ": server answered HTTP " + r.statusCode() + ": "
                        + body.substring(0, Math.min(200, body.length())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the upload to finish");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(describe() + ": upload failed: " + (e.getCause() != null
                    ? e.getCause().getClass().getSimpleName() + " " + e.getCause().getMessage() : e)
                    + " (the server closed the connection without an answer; it may have refused the"
                    + " upload before reading it, e.g. an expired or wrong upload token)", e);
        }
    }
}
