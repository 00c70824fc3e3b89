package io.hoist.core.server.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections of clients that are too slow to be anything but stuck or hostile, on plain and TLS
 * listeners alike (Vert.x itself waits forever for a request's body, and between requests):
 * <ul>
 *   <li>before its first request head is complete, a connection that sends nothing for {@code headerTimeout} is
 *       closed by Vert.x's idle timeout ({@link #serverOptions}); Vert.x shows no connection before that;</li>
 *   <li>from its first request on, that idle timeout is lifted (it would cut a quiet watch stream) and this class
 *       takes over: a request whose body has not fully arrived {@code bodyTimeout} after its head gets 408 and
 *       its connection is closed; a connection with no request in progress for {@code idleTimeout} (an idle
 *       keep-alive, or the partial head of its next request) is closed. That one is longer than clients keep
 *       idle connections (the JDK's 30 s, Go's 90 s), so a client never sends on a connection being closed.</li>
 * </ul>
 * A request being answered (a watch stream, a slow store call) is never cut: only reading is bounded. One
 * periodic check walks the open connections, so the deadlines are kept to within a second.
 */
public final class ConnectionDeadlines {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectionDeadlines.class);
    private final Vertx vertx;
    private final long headerNanos;
    private final long bodyNanos;
    private final long idleNanos;
    private final Map<HttpConnection, State> open = new ConcurrentHashMap<>();
    private long timer;

    /** What one connection is doing: reading headers since {@code since}, or serving {@code request}. */
    private static final class State {
        volatile long since = System.nanoTime();
        volatile HttpServerRequest request;
    }

    public ConnectionDeadlines(Vertx vertx, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout) {
        this.vertx = vertx;
        this.idleNanos = idleTimeout.toNanos();
        this.headerNanos = headerTimeout.toNanos();
        this.bodyNanos = bodyTimeout.toNanos();
        long every = Math.max(100, Math.min(1000, Math.min(headerNanos, bodyNanos) / 4_000_000));
        this.timer = vertx.setPeriodic(every, id -> check());
    }

    /** The listener's idle timeout, which bounds a connection until its first request head is complete. */
    public void serverOptions(io.vertx.core.http.HttpServerOptions options) {
        options.setIdleTimeout((int) Math.max(1, headerNanos / 1_000_000)).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** Wraps the request handler: marks the connection busy with this request. */
    public Handler<HttpServerRequest> around(Handler<HttpServerRequest> next) {
        return request -> {
            HttpConnection connection = request.connection();
            State s = open.get(connection);
            if (s == null) {
                s = new State();
                open.put(connection, s);
                connection.closeHandler(v -> open.remove(connection));
                // without a handler Vert.x logs a client's reset as an ERROR with a stack trace
                connection.exceptionHandler(t -> {
                    if (ErrorMapping.clientGone(t)) {
                        LOG.debug("client connection ended: {}", t.toString());
                    } else {
                        LOG.warn("connection failed: {}", t.toString());
                    }
                });
                liftIdleTimeout(connection);
            }
            s.request = request;
            s.since = System.nanoTime();
            next.handle(request);
        };
    }

    /**
     * Fixes the connection's kernel send buffer at {@code bytes}. Linux otherwise grows it to megabytes for a
     * client that reads nothing, which hides a stalled watcher from the write-queue checks for thousands of events.
     */
    public static void limitSendBuffer(HttpConnection connection, int bytes) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            base.channel().config().setOption(io.netty.channel.ChannelOption.SO_SNDBUF, bytes);
        }
    }

    /**
     * Removes Vert.x's idle handler from the connection's Netty pipeline (named "idle" in Vert.x 5.0); Vert.x has
     * no public way to change the idle timeout of one connection. Without this a watch quiet for
     * {@code headerTimeout} would be cut.
     */
    private static void liftIdleTimeout(HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            io.netty.channel.ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get("idle") != null) {
                pipeline.remove("idle");
            }
        }
    }

    public synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void check() {
        long now = System.nanoTime();
        open.forEach((connection, s) -> {
            HttpServerRequest r = s.request;
            if (r != null && r.response().ended()) {
                // answered: waiting for the next request's headers from now on
                s.request = null;
                s.since = now;
                return;
            }
            if (r == null) {
                if (now - s.since > idleNanos) {
                    open.remove(connection);
                    connection.close();
                }
            } else if (!r.isEnded() && now - s.since > bodyNanos) {
                open.remove(connection);
                var response = r.response();
                if (!response.headWritten()) {
                    response.setStatusCode(408).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                            .end(StatusBody.failure(408, "Timeout", "the request body did not arrive within "
                                    + bodyNanos / 1_000_000_000 + " s").toString())
                            .onComplete(done -> connection.close());
                } else {
                    connection.close();
                }
            }
        });
    }
}
