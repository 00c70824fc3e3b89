package io.hoist.core.transfer.pool;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Idle connections of one reader, one per concurrent caller: a caller takes one (or a fresh one is opened),
 * uses it alone and gives it back; a connection that failed is discarded, never reused. Readers over NBD and
 * HTTP share it, so each copy worker has a connection of its own without a demultiplexer.
 */
public final class ConnectionPool<C extends AutoCloseable> {
    /** Opens a new connection. */
    @FunctionalInterface
    public interface Opener<C> {
        C open() throws IOException;
    }

    private final String name;
    private final Opener<C> opener;
    private final ConcurrentLinkedQueue<C> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** @param name what the connections reach, for the error after {@link #close()} (no secrets) */
    public ConnectionPool(String name, Opener<C> opener) {
        this.name = name;
        this.opener = opener;
    }

    /** Keeps a connection opened elsewhere (e.g. the one that probed the size) for the next caller. */
    public void add(C connection) {
        give(connection);
    }

    public C take() throws IOException {
        if (closed) {
            throw new IOException(name + ": reader is closed");
        }
        C c = idle.poll();
        return c != null ? c : opener.open();
    }

    public void give(C connection) {
        idle.add(connection);
        if (closed) {
            drain();
        }
    }

    /** Closes a connection that must not be reused (it failed, or the server ends it). */
    public void discard(C connection) {
        closeQuietly(connection);
    }

    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        C c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // a connection being dropped has nothing left to report
        }
    }
}
