package io.hoist.core.server.http;

import io.hoist.core.model.admission.Cause;
import java.util.List;

/**
 * A request refused by the API itself, turned into a Kubernetes {@code Status} by {@link ErrorMapping}.
 * The message goes to the client verbatim, so it never contains request body content.
 */
public class ApiException extends RuntimeException {
    private final int code;
    private final String reason;
    private final List<Cause> causes;

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, List.of());
    }

    public ApiException(int code, String reason, String message, List<Cause> causes) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.causes = List.copyOf(causes);
    }

    public int code() { return code; }

    public String reason() { return reason; }

    public List<Cause> causes() { return causes; }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, "UnsupportedMediaType", message);
    }

    /** 422 with one cause per problem, like an admission failure. */
    public static ApiException invalid(String message, List<Cause> causes) {
        return new ApiException(422, "Invalid", message, causes);
    }
}
