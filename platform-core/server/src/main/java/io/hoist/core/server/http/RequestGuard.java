package io.hoist.core.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * First handler on every request: refuses what the router or body handler would otherwise choke on
 * with a 500. A malformed percent-escape in the path ({@code %zz}, a trailing {@code %}) makes route
 * matching throw; form and multipart bodies would be decoded by the body handler, and the API speaks
 * only JSON and YAML. A {@code .} or {@code ..} path segment, plain or percent-encoded, is refused: the router
 * would remove it after decoding, so {@code .../hooks/x/%2e%2e/%2e%2e/%2e%2e/prod/hooks/victim} would reach
 * another namespace's object past the name checks.
 */
public final class RequestGuard implements Handler<RoutingContext> {
    private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path == null || !path.startsWith("/") || BAD_ESCAPE.matcher(path).find()) {
            ctx.fail(ApiException.badRequest("malformed request path"));
            return;
        }
        if (hasDotSegment(path)) {
            ctx.fail(ApiException.badRequest("request path has a '.' or '..' segment (plain or percent-encoded);"
                    + " such paths are refused, not resolved"));
            return;
        }
        String type = RequestBodies.mediaType(ctx.request().getHeader("Content-Type"));
        if (type.startsWith("multipart/") || type.equals("application/x-www-form-urlencoded")) {
            ctx.fail(ApiException.unsupportedMediaType("form bodies are not accepted; send application/json or application/yaml"));
            return;
        }
        ctx.next();
    }

    /** True when a segment of the raw path is {@code .} or {@code ..} once {@code %2e}/{@code %2E} are decoded. */
    static boolean hasDotSegment(String rawPath) {
        for (String segment : rawPath.split("/", -1)) {
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
