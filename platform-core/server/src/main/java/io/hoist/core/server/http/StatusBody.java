package io.hoist.core.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.admission.Cause;
import java.util.List;

/** Builds Kubernetes {@code Status} objects, the body of every error response. */
public final class StatusBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusBody() {}

    public static ObjectNode failure(int code, String reason, String message) {
        return failure(code, reason, message, null, null, List.of());
    }

    public static ObjectNode failure(int code, String reason, String message, String kind, String name,
                                     List<Cause> causes) {
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        if (kind != null || name != null || !causes.isEmpty()) {
            ObjectNode details = s.putObject("details");
            if (name != null) {
                details.put("name", name);
            }
            if (kind != null) {
                details.put("kind", kind);
            }
            if (!causes.isEmpty()) {
                ArrayNode arr = details.putArray("causes");
                for (Cause c : causes) {
                    arr.addObject().put("reason", c.reason()).put("message", c.message()).put("field", c.field());
                }
            }
        }
        s.put("code", code);
        return s;
    }

    /** Standard reason for a status code, as Kubernetes names them. */
    public static String reasonFor(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 413 -> "RequestEntityTooLarge";
            case 414 -> "RequestURITooLong";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> code >= 500 ? "InternalError" : "BadRequest";
        };
    }

    /** A plain-words message for statuses Vert.x produces itself (no route, wrong method, body too big). */
    public static String messageFor(int code) {
        return switch (code) {
            case 400 -> "the request is malformed";
            case 401 -> "Unauthorized: send Authorization: Bearer <token> (the token is in DATA/token)";
            case 404 -> "the server could not find the requested resource";
            case 405 -> "the method is not allowed on this resource";
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 415 -> "the content type is not supported";
            default -> code >= 500 ? "internal error" : "the request could not be processed";
        };
    }
}
