package io.hoist.core.server.console;

import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.TokenAuth;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication for every API route: the bearer token (CLI, kubectl, scripts) or the console's session
 * cookie. A cookie alone never authorizes a state-changing request: it must also carry the session's CSRF
 * token in {@value #CSRF_HEADER}, and a browser's {@code Origin} / {@code Sec-Fetch-Site} must not name
 * another site. SameSite=Strict already keeps the cookie off cross-site requests; these checks hold even
 * for a browser or proxy that ignores it.
 */
public final class SessionOrTokenAuth implements Handler<RoutingContext> {
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final TokenAuth token;
    private final ConsoleSessions sessions;

    public SessionOrTokenAuth(TokenAuth token, ConsoleSessions sessions) {
        this.token = token;
        this.sessions = sessions;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization != null) {
            // A wrong bearer token is refused even when a session cookie comes along.
            if (token.accepts(authorization)) {
                ctx.next();
            } else {
                ctx.fail(401);
            }
            return;
        }
        Optional<ConsoleSessions.Session> session = session(ctx);
        if (session.isEmpty()) {
            ctx.fail(401);
            return;
        }
        if (!SAFE.contains(ctx.request().method())) {
            String refused = csrfRefusal(ctx, session.get());
            if (refused != null) {
                ctx.fail(new ApiException(403, "Forbidden", refused));
                return;
            }
        }
        ctx.next();
    }

    Optional<ConsoleSessions.Session> session(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(ConsoleRoutes.COOKIE);
        return c == null ? Optional.empty() : sessions.find(c.getValue());
    }

    /** Why a cookie-authenticated state change is refused, or null when it passes. */
    static String csrfRefusal(RoutingContext ctx, ConsoleSessions.Session session) {
        if (!sameOrigin(ctx)) {
            return "cross-site request refused: the request's Origin is not this server";
        }
        if (!ConsoleSessions.csrfMatches(session, ctx.request().getHeader(CSRF_HEADER))) {
            return "CSRF token missing or wrong: send the " + CSRF_HEADER + " header the console received at login";
        }
        return null;
    }

    /** A browser names where a request comes from; anything but this server itself is refused. */
    static boolean sameOrigin(RoutingContext ctx) {
        String site = ctx.request().getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return false;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin == null) {
            return true; // non-browser clients, and same-origin GETs, send none
        }
        String host = authority(ctx);
        String scheme = ctx.request().isSSL() ? "https" : "http";
        return host != null && origin.equalsIgnoreCase(scheme + "://" + host);
    }

    /** host[:port] the client addressed: the Host header, or HTTP/2's :authority (which has no Host). */
    static String authority(RoutingContext ctx) {
        var a = ctx.request().authority();
        if (a != null) {
            return a.port() > 0 ? a.host() + ":" + a.port() : a.host();
        }
        return ctx.request().getHeader("Host");
    }
}
