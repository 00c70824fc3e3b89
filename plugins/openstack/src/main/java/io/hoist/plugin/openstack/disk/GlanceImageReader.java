package io.hoist.plugin.openstack.disk;

import io.hoist.api.transfer.DiskIo;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.openstack.client.KeystoneSession;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A Glance image's bytes ({@code /v2/images/<id>/file}) through the transfer engine's HTTP Range reader, with
 * the provider's TLS and the token in {@code X-Auth-Token}. A read that fails (a connection cut mid-range, a
 * token that expired or was revoked: HTTP 401) opens a new reader with the session's current token and
 * asks for the same range again, up to {@link #ATTEMPTS} times; only the failed range is read again.
 */
public final class GlanceImageReader implements DiskReader {
    static final int ATTEMPTS = 3;

    private final DiskIo io;
    private final URI url;
    private final TlsSettings tls;
    private final KeystoneSession session;
    private final String what;
    private volatile DiskReader reader;
    private volatile int reopened;

    public GlanceImageReader(DiskIo io, URI glance, String imageId, TlsSettings tls, KeystoneSession session, String what)
            throws IOException {
        this.io = io;
        this.url = URI.create(glance + "/v2/images/" + imageId + "/file");
        this.tls = tls;
        this.session = session;
        this.what = what;
        this.reader = open();
    }

    private DiskReader open() throws IOException {
        return io.openHttp(url, tls, Map.of("X-Auth-Token", session.tokenId()));
    }

    /** How many times a failed read opened a new reader (tests check a cut or a revoked token was survived). */
    public int reopened() {
        return reopened;
    }

    @Override
    public long size() throws IOException {
        return reader.size();
    }

    @Override
    public int read(long offset, ByteBuffer dst) throws IOException {
        int start = dst.position();
        for (int attempt = 1; ; attempt++) {
            DiskReader r = reader;
            try {
                return r.read(offset, dst);
            } catch (IOException e) {
                if (attempt >= ATTEMPTS || Thread.currentThread().isInterrupted()) {
                    throw new IOException(what + ": Glance download of range " + offset + "+" + (dst.limit() - start)
                            + " failed " + attempt + " times, last: " + e.getMessage(), e);
                }
                dst.position(start);
                reopen(r, e);
            }
        }
    }

    private synchronized void reopen(DiskReader failed, IOException cause) throws IOException {
        if (reader != failed) {
            return; // another thread reopened already
        }
        if (String.valueOf(cause.getMessage()).contains("HTTP 401")) {
            session.invalidateCurrent(); // the token expired or was revoked: log in again
        }
        try {
            failed.close();
        } catch (IOException ignored) {
            // the old connection is broken anyway
        }
        reader = open();
        reopened++;
    }

    @Override
    public String describe() {
        return "glance image " + url.getPath().replaceFirst(".*/images/", "").replace("/file", "") + " (" + what + ")";
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
