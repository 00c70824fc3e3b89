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
    private final String kind;
    private final String name;

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, List.of());
    }

    public ApiException(int code, String reason, String message, List<Cause> causes) {
        this(code, reason, message, causes, null, null);
    }

    private ApiException(int code, String reason, String message, List<Cause> causes, String kind, String name) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.causes = List.copyOf(causes);
        this.kind = kind;
        this.name = name;
    }

    public int code() { return code; }

    public String reason() { return reason; }

    public List<Cause> causes() { return causes; }

    /** The Status's {@code details.kind} (a resource plural, as the API server names it there), or null. */
    public String kind() { return kind; }

    /** The Status's {@code details.name}, or null. */
    public String name() { return name; }

    /** 404 for a named object, with {@code details} as the API server fills them: {@code namespaces "x" not found}. */
    public static ApiException notFound(String plural, String name) {
        return new ApiException(404, "NotFound", plural + " \"" + name + "\" not found", List.of(), plural, name);
    }

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
