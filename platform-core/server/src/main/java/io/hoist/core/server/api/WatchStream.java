package io.hoist.core.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.StatusBody;
import io.hoist.core.store.ResourceStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code ?watch=true}: newline-delimited JSON watch events ({@code {"type":..,"object":..}}) over a
 * chunked response, as Kubernetes streams them. Without {@code resourceVersion} (or with "0") the
 * stream starts with a synthetic ADDED per existing object; with one, it replays the changes after it,
 * or sends an ERROR event with 410 Expired when that version is no longer retained. A client that reads
 * too slowly is disconnected (it re-watches from the last resourceVersion it saw) rather than letting
 * the server buffer without bound.
 */
final class WatchStream {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Events handed to the event loop and not yet written, per watch; past it the watcher is dropped. */
    private static final int MAX_QUEUED_EVENTS = 1_000;
    /** Bytes written to a watch and not yet sent to its client; past it the watcher is dropped. */
    private static final long MAX_UNSENT_BYTES = 1L << 20;
    /** Kernel send buffer of a watch connection (a watch needs little; the default grows to megabytes). */
    private static final int WATCH_SEND_BUFFER = 128 * 1024;
    private static final long DEFAULT_TIMEOUT_SECONDS = 1800;
    private static final long MAX_TIMEOUT_SECONDS = 3600;

    private WatchStream() {}

    /**
     * Streams the kind's changes; {@code view} turns a stored object into what the client sees (secrets redacted,
     * Events in the events.k8s.io shape).
     */
    static void start(RoutingContext ctx, Vertx vertx, ResourceStore store, ResourceKind kind, String ns,
                      Predicate<JsonNode> selected, java.util.function.UnaryOperator<ObjectNode> view) {
        Long since = parseVersion(ctx.queryParams().get("resourceVersion"));
        long timeout = parseTimeout(ctx.queryParams().get("timeoutSeconds"));
        Context eventLoop = vertx.getOrCreateContext();
        HttpServerResponse response = ctx.response();
        Backlog queued = new Backlog();
        io.hoist.core.server.http.ConnectionDeadlines.limitSendBuffer(ctx.request().connection(), WATCH_SEND_BUFFER);
        response.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json");
        response.write("");

        vertx.executeBlocking(() -> {
            if (since != null && since > 0 && since < store.oldestReplayableVersion() - 1) {
                return null; // expired
            }
            // Start of stream: the current objects, then every change after the version they were read at.
            Map<String, Long> listed = new HashMap<>();
            long from;
            if (since == null || since == 0) {
                from = store.currentVersion();
                for (ObjectNode o : store.list(kind, ns)) {
                    if (!selected.test(o)) {
                        continue;
                    }
                    String key = o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText();
                    listed.put(key, o.at("/metadata/resourceVersion").asLong());
                    post(eventLoop, response, queued, "ADDED", view.apply(o));
                }
            } else {
                from = since;
            }
            return store.watch(kind, ns, from, e -> {
                String key = e.object().at("/metadata/namespace").asText() + "/" + e.object().at("/metadata/name").asText();
                Long seen = listed.isEmpty() ? null : listed.get(key);
                if (seen != null && e.resourceVersion() <= seen) {
                    return; // already sent as part of the initial list
                }
                if (!selected.test(e.object())) {
                    return;
                }
                post(eventLoop, response, queued, e.type(), view.apply(e.object()));
            });
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                sendError(response, 500, "internal error");
                return;
            }
            ResourceStore.Watch watch = ar.result();
            if (watch == null) {
                sendError(response, 410, "too old resource version: list again and watch from the list's resourceVersion");
                return;
            }
            long timer = vertx.setTimer(timeout * 1000, t -> {
                watch.close();
                endQuietly(response);
            });
            response.closeHandler(v -> {
                watch.close();
                vertx.cancelTimer(timer);
            });
            if (response.closed()) {
                watch.close();
                vertx.cancelTimer(timer);
            }
        });
    }

    /** What a watch has not delivered yet: events not yet written, bytes written but not yet taken by the client. */
    private static final class Backlog {
        final AtomicInteger events = new AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong unsentBytes = new java.util.concurrent.atomic.AtomicLong();
    }

    private static void post(Context eventLoop, HttpServerResponse response, Backlog queued, String type,
                             ObjectNode object) {
        if (queued.events.incrementAndGet() > MAX_QUEUED_EVENTS) {
            eventLoop.runOnContext(v -> response.reset());
            return;
        }
        // Serialize on the event loop, not here: this runs on the store's writing thread, under its lock.
        eventLoop.runOnContext(v -> {
            queued.events.decrementAndGet();
            if (response.ended() || response.closed()) {
                return;
            }
            // A reader that takes nothing: its unsent bytes grow (the write queue alone did not catch it, the kernel and
            // Netty keep accepting). Drop it; it resumes from its last resourceVersion.
            if (response.writeQueueFull() || queued.unsentBytes.get() > MAX_UNSENT_BYTES) {
                response.reset();
                return;
            }
            ObjectNode event = JSON.createObjectNode();
            event.put("type", type);
            event.set("object", object);
            io.vertx.core.buffer.Buffer line = io.vertx.core.buffer.Buffer.buffer(event.toString() + "\n");
            queued.unsentBytes.addAndGet(line.length());
            response.write(line).onComplete(done -> queued.unsentBytes.addAndGet(-line.length()));
        });
    }

    private static void sendError(HttpServerResponse response, int code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "ERROR");
        event.set("object", StatusBody.failure(code, StatusBody.reasonFor(code), message));
        response.end(event.toString() + "\n");
    }

    private static void endQuietly(HttpServerResponse response) {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    private static Long parseVersion(String rv) {
        if (rv == null || rv.isEmpty()) {
            return null;
        }
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("resourceVersion must be a non-negative integer");
        }
    }

    private static long parseTimeout(String s) {
        if (s == null || s.isEmpty()) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        try {
            long t = Long.parseLong(s);
            if (t <= 0) {
                throw new NumberFormatException();
            }
            return Math.min(t, MAX_TIMEOUT_SECONDS);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("timeoutSeconds must be a positive integer");
        }
    }
}
