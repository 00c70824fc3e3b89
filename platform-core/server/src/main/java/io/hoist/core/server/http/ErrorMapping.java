package io.hoist.core.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.admission.AdmissionException;
import io.hoist.core.store.StoreException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one router-level failure handler: maps exceptions and bare status codes to a Kubernetes
 * {@code Status} body. Unknown exceptions become a 500 whose body names nothing internal; the details go
 * to the log only.
 */
public final class ErrorMapping {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    public static void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            // A streaming response (watch) already started: all we can do is stop it.
            ctx.response().reset();
            return;
        }
        send(ctx, toStatus(ctx.failure(), ctx.statusCode()));
    }

    public static ObjectNode toStatus(Throwable failure, int statusCode) {
        if (failure instanceof ApiException e) {
            return StatusBody.failure(e.code(), e.reason(), e.getMessage(), e.kind(), e.name(), e.causes());
        }
        if (failure instanceof AdmissionException e) {
            return StatusBody.failure(422, "Invalid", e.getMessage(), e.kind(), e.name(), e.causes());
        }
        if (failure instanceof StoreException.NotFound e) {
            return StatusBody.failure(404, "NotFound", e.getMessage());
        }
        if (failure instanceof StoreException.AlreadyExists e) {
            return StatusBody.failure(409, "AlreadyExists", e.getMessage());
        }
        if (failure instanceof StoreException.Conflict e) {
            return StatusBody.failure(409, "Conflict", e.getMessage());
        }
        if (failure instanceof StoreException.TooLarge e) {
            return StatusBody.failure(413, "RequestEntityTooLarge", e.getMessage());
        }
        if (failure instanceof StoreException.NotReadable e) {
            return StatusBody.failure(422, "Invalid", e.getMessage());
        }
        if (failure instanceof StoreException.Unreadable e) {
            LOG.warn(e.getMessage());
            return StatusBody.failure(500, "InternalError", e.getMessage());
        }
        if (failure == null && statusCode >= 400 && statusCode < 500) {
            return StatusBody.failure(statusCode, StatusBody.reasonFor(statusCode), StatusBody.messageFor(statusCode));
        }
        if (failure != null && clientGone(failure)) {
            // the client hung up (reset, closed mid-body): nothing is wrong with the server
            LOG.debug("client went away during the request: {}", failure.toString());
        } else if (failure != null) {
            LOG.error("request failed with an unexpected error", failure);
        } else if (statusCode >= 500) {
            LOG.error("request failed with status {}", statusCode);
        }
        return StatusBody.failure(500, "InternalError", "internal error", null, null, List.of());
    }

    /** True for the failures a client's disconnect causes: a closed connection or a reset socket. */
    public static boolean clientGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.core.http.HttpClosedException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (t instanceof java.io.IOException && t.getMessage() != null
                    && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
                return true;
            }
            if (t instanceof io.vertx.core.VertxException && "Connection was closed".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    public static void send(RoutingContext ctx, ObjectNode status) {
        int code = status.get("code").asInt();
        var response = ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json");
        if (code == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"hoist\"");
        }
        response.end(status.toString());
    }
}
