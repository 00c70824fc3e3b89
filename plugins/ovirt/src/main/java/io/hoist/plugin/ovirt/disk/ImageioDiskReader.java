package io.hoist.plugin.ovirt.disk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoist.api.HoistException;
import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.ovirt.disk.ImageTransfers.Started;
import io.hoist.plugin.support.Interruptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.ovirt.engine.sdk4.types.ImageTransferPhase;

/**
 * One disk read over the imageio HTTP protocol while its image transfer is open: {@code OPTIONS} for the
 * server's features, Range {@code GET}s through the transfer engine's HTTP reader (parallel, keep-alive, the
 * provider's TLS), {@code GET /extents?context=zero} for the allocation map (sparse copies) and
 * {@code context=dirty} for an incremental backup's changed areas.
 *
 * <p>A failed read asks the engine what became of the transfer: still {@code transferring} with imageio refusing
 * the ticket (it expired) starts a new transfer of the same disk and reads on (at most {@value #MAX_REPLACEMENTS}
 * times); a transfer the engine paused or ended fails the read with the engine's phase; anything else (a dropped
 * request) is left to the copier's retry. Closing finalizes the transfer, or cancels it after a failure.
 */
public final class ImageioDiskReader implements DiskReader {
    static final int MAX_REPLACEMENTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageTransfers transfers;
    private final Supplier<Started> restart;
    private final DiskIo io;
    private final HttpClient http;
    private final TlsSettings tls;
    private final String what;
    private final long size;
    private volatile Open current;
    private volatile String failure;
    private List<Extent> zeroMap;
    private int replacements;
    private boolean closed;

    private record Open(Started transfer, URI url, DiskReader reader, boolean extents) {}

    private ImageioDiskReader(ImageTransfers transfers, Supplier<Started> restart, DiskIo io, HttpClient http,
                              TlsSettings tls, String what, Open first) throws IOException {
        this.transfers = transfers;
        this.restart = restart;
        this.io = io;
        this.http = http;
        this.tls = tls;
        this.what = what;
        this.current = first;
        this.size = first.reader().size();
    }

    /**
     * Starts a transfer with {@code start} and opens it; the transfer is cancelled when opening fails.
     *
     * @param what how errors name the disk, e.g. "disk 1234 of vm-1"
     */
    public static ImageioDiskReader open(ImageTransfers transfers, Supplier<Started> start, DiskIo io, HttpClient http,
                                         TlsSettings tls, String what) throws IOException {
        Started t = start.get();
        Open first;
        try {
            first = connect(t, io, http, tls, what);
        } catch (IOException | RuntimeException e) {
            transfers.cancelQuietly(t.id());
            throw e;
        }
        try {
            return new ImageioDiskReader(transfers, start, io, http, tls, what, first);
        } catch (IOException | RuntimeException e) {
            closeQuietly(first.reader());
            transfers.cancelQuietly(t.id());
            throw e;
        }
    }

    /** The host's imageio (transfer_url) when it answers, else the engine's proxy (proxy_url). */
    private static Open connect(Started t, DiskIo io, HttpClient http, TlsSettings tls, String what) throws IOException {
        IOException last = null;
        for (String u : new String[] {t.transferUrl(), t.proxyUrl()}) {
            if (u == null || u.isBlank()) {
                continue;
            }
            URI url = URI.create(u);
            for (int attempt = 0; attempt < 4; attempt++) {
                try {
                    JsonNode options = options(http, url);
                    boolean extents = false;
                    for (JsonNode f : options.path("features")) {
                        extents |= "extents".equals(f.asText());
                    }
                    return new Open(t, url, io.openHttp(url, tls, Map.of()), extents);
                } catch (IOException e) {
                    last = e;
                    Interruptions.sleep(100L << attempt);
                }
            }
        }
        throw new IOException(what + ": imageio does not serve image transfer " + t.id() + " ("
                + (last == null ? "no URL" : last.getMessage()) + ")", last);
    }

    private static JsonNode options(HttpClient http, URI url) throws IOException {
        HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(url).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build());
        if (r.statusCode() != 200) {
            throw new IOException("OPTIONS " + redact(url) + ": HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    private static HttpResponse<byte[]> send(HttpClient http, HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    /** The image's URL without its ticket, for messages (the ticket is a credential). */
    static String redact(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + "/images/…";
    }

    public String transferId() {
        return current.transfer().id();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        Open o = current;
        int pos = dst.position();
        try {
            return o.reader().read(offset, dst);
        } catch (IOException e) {
            dst.position(pos);
            if (recover(o, e)) {
                return current.reader().read(offset, dst);
            }
            throw scrub(e, o.url());
        }
    }

    /** The same error without the ticket (the last path segment of the image URL grants access to the disk). */
    static IOException scrub(IOException e, URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String ticket = path.substring(path.lastIndexOf('/') + 1);
        String msg = e.getMessage();
        if (ticket.isEmpty() || msg == null || !msg.contains(ticket)) {
            return e;
        }
        IOException clean = new IOException(msg.replace(ticket, "…"));
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }

    /** After a failed request: true when a new transfer replaced one whose ticket imageio no longer honours. */
    private synchronized boolean recover(Open failed, IOException e) throws IOException {
        if (current != failed) {
            return true; // another reader thread already replaced it
        }
        ImageTransferPhase phase;
        try {
            phase = transfers.phase(failed.transfer().id());
        } catch (HoistException unreachable) {
            return false; // the engine is unreachable: leave it to the copier's retry
        }
        if (phase != ImageTransferPhase.TRANSFERRING) {
            failure = "the engine set image transfer " + failed.transfer().id() + " of " + what + " to "
                    + (phase == null ? "removed" : phase.value());
            throw new IOException(failure, e);
        }
        int status;
        try {
            status = send(http, HttpRequest.newBuilder(failed.url()).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30)).build()).statusCode();
        } catch (IOException probe) {
            return false; // imageio unreachable this time: a retry decides
        }
        if (status != 403 && status != 404) {
            return false; // the ticket is fine: the request was dropped
        }
        if (replacements >= MAX_REPLACEMENTS) {
            failure = "imageio refused the ticket of " + what + " " + (replacements + 1) + " times (HTTP " + status + ")";
            throw new IOException(failure, e);
        }
        replacements++;
        transfers.cancelQuietly(failed.transfer().id());
        closeQuietly(failed.reader());
        current = connect(restart.get(), io, http, tls, what);
        return true;
    }

    @Override
    public synchronized List<Extent> extents(long offset, long length) throws IOException {
        if (!current.extents()) {
            return List.of(Extent.data(offset, length));
        }
        if (zeroMap == null) {
            zeroMap = fetchExtents("zero");
        }
        return slice(zeroMap, offset, length);
    }

    /** The incremental backup's changed areas ({@code context=dirty}), as data extents. */
    public List<Extent> dirtyExtents() throws IOException {
        if (!current.extents()) {
            throw new IOException(what + ": imageio offers no extents, so the backup's changed areas are unknown");
        }
        List<Extent> out = new ArrayList<>();
        for (Extent e : fetchExtents("dirty")) {
            if (!e.zero()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The whole image's map; in {@code dirty} context an extent's {@code zero} flag means "not dirty". */
    private List<Extent> fetchExtents(String context) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Open o = current;
            try {
                URI u = URI.create(o.url() + "/extents?context=" + context);
                HttpResponse<byte[]> r = send(http, HttpRequest.newBuilder(u).GET().timeout(Duration.ofMinutes(2)).build());
                if (r.statusCode() != 200) {
                    throw new IOException("GET " + redact(o.url()) + "/extents?context=" + context + ": HTTP " + r.statusCode());
                }
                List<Extent> out = new ArrayList<>();
                for (JsonNode e : JSON.readTree(r.body())) {
                    long start = e.path("start").asLong();
                    long len = e.path("length").asLong();
                    boolean skip = "dirty".equals(context) ? !e.path("dirty").asBoolean() : e.path("zero").asBoolean();
                    out.add(new Extent(start, len, skip));
                }
                return out;
            } catch (IOException e) {
                last = e;
                if (!recover(o, e)) {
                    Interruptions.sleep(100L << attempt);
                }
            }
        }
        throw new IOException(what + ": " + last.getMessage(), last);
    }

    static List<Extent> slice(List<Extent> map, long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long end = offset + length;
        long covered = offset;
        for (Extent e : map) {
            if (e.end() <= offset || e.offset() >= end) {
                continue;
            }
            long s = Math.max(e.offset(), offset);
            long t = Math.min(e.end(), end);
            if (s > covered) {
                out.add(Extent.data(covered, s - covered)); // a gap in the map: copy it
            }
            out.add(new Extent(s, t - s, e.zero()));
            covered = t;
        }
        if (covered < end) {
            out.add(Extent.data(covered, end - covered));
        }
        return out;
    }

    @Override
    public String describe() {
        return what + " over imageio (" + redact(current.url()) + ")";
    }

    /** Finalizes the transfer after a copy, cancels it after a failure; either way the engine's transfer is closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Open o = current;
        closeQuietly(o.reader());
        if (failure != null || Thread.currentThread().isInterrupted()) {
            transfers.cancelQuietly(o.transfer().id());
            return;
        }
        try {
            transfers.finish(o.transfer().id());
        } catch (RuntimeException e) {
            transfers.cancelQuietly(o.transfer().id());
        }
    }

    private static void closeQuietly(DiskReader r) {
        try {
            r.close();
        } catch (IOException | RuntimeException ignored) {
            // the transfer is closed on the engine side either way
        }
    }
}
