package io.hoist.core.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.server.http.ApiException;
import io.hoist.core.server.http.StatusBody;
import io.hoist.core.server.http.TokenAuth;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The web console's routes: its files under {@code /console/}, and how a browser logs in without ever
 * holding the API token in script-readable storage.
 * <ul>
 *   <li>{@code GET /console/auth/link?code=C} — the one-time login link {@code hoist serve} prints: sets the
 *       session cookie (HttpOnly, SameSite=Strict, Secure under TLS) and redirects to the console.</li>
 *   <li>{@code POST /console/auth/session {"token": ...}} — the login page's pasted API token, same cookie.</li>
 *   <li>{@code GET /console/auth/session} — the logged-in session's CSRF token (401 when not logged in).</li>
 *   <li>{@code DELETE /console/auth/session} — logout.</li>
 *   <li>{@code POST /console/auth/links} — a new one-time link, for whoever holds the token ({@code hoist console}).</li>
 * </ul>
 */
public final class ConsoleRoutes {
    public static final String COOKIE = "hoist-session";
    public static final String LINK_PATH = "/console/auth/link";
    private static final String SESSION_PATH = "/console/auth/session";
    private static final String LINKS_PATH = "/console/auth/links";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleSessions sessions;
    private final TokenAuth token;
    private final boolean tls;
    private final ConsoleAssets assets;

    public ConsoleRoutes(ConsoleSessions sessions, TokenAuth token, boolean tls) {
        this.sessions = sessions;
        this.token = token;
        this.tls = tls;
        this.assets = ConsoleAssets.load(ConsoleRoutes.class.getClassLoader());
    }

    /** Whether this build carries the console's files. */
    public boolean present() {
        return assets.present();
    }

    /** Routes that answer before authentication: the files, the login link and the login itself. */
    public void mountPublic(Router r) {
        r.get("/").handler(ctx -> redirect(ctx, "/console/"));
        r.get("/console").handler(ctx -> {
            // Vert.x matches "/console/" here too (trailing slash ignored): only the bare path redirects.
            if (ctx.request().path().equals("/console")) {
                redirect(ctx, "/console/");
            } else {
                ctx.next();
            }
        });
        r.get(LINK_PATH).handler(this::redeemLink);
        r.post(SESSION_PATH).handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(this::login);
        r.get(SESSION_PATH).handler(this::currentSession);
        r.delete(SESSION_PATH).handler(this::logout);
        r.get("/console/*").handler(ctx -> assets.serve(ctx, ctx.request().path().substring("/console/".length())));
    }

    /** Routes behind the API's authentication. */
    public void mountAuthenticated(Router r) {
        r.post(LINKS_PATH).handler(ctx -> {
            String host = SessionOrTokenAuth.authority(ctx);
            if (host == null) {
                throw ApiException.badRequest("the request has no Host header to build the link from");
            }
            String url = (ctx.request().isSSL() ? "https" : "http") + "://" + host + linkPath(sessions.mintLoginCode());
            ObjectNode out = JSON.createObjectNode().put("url", url)
                    .put("expiresInSeconds", ConsoleSessions.LINK_TTL.toSeconds());
            json(ctx, 201, out);
        });
    }

    /** Path and query of a fresh one-time login link. */
    public String linkPath(String code) {
        return LINK_PATH + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8);
    }

    private void redeemLink(RoutingContext ctx) {
        Optional<ConsoleSessions.Created> s = sessions.redeem(ctx.request().getParam("code"));
        if (s.isEmpty()) {
            // Used, expired or mistyped: the login page says so and offers the token field.
            redirect(ctx, "/console/login?link=invalid");
            return;
        }
        ctx.response().addCookie(cookie(s.get()));
        redirect(ctx, "/console/");
    }

    private void login(RoutingContext ctx) {
        if (!SessionOrTokenAuth.sameOrigin(ctx)) {
            throw new ApiException(403, "Forbidden", "cross-site request refused: the request's Origin is not this server");
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw ApiException.unsupportedMediaType("send the token as application/json: {\"token\": \"...\"}");
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body().asString());
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the body is not JSON");
        }
        JsonNode t = body == null ? null : body.get("token");
        if (t == null || !t.isTextual() || t.asText().isBlank()) {
            throw ApiException.invalid("token: required", java.util.List.of(
                    new io.hoist.core.model.admission.Cause("token", "FieldValueRequired", "paste the API token (DATA/token)")));
        }
        if (!token.acceptsToken(t.asText().trim())) {
            throw new ApiException(401, "Unauthorized", "that is not this server's API token");
        }
        ConsoleSessions.Created s = sessions.create();
        ctx.response().addCookie(cookie(s));
        json(ctx, 200, sessionBody(s.session()));
    }

    private void currentSession(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        Optional<ConsoleSessions.Session> s = c == null ? Optional.empty() : sessions.find(c.getValue());
        if (s.isEmpty()) {
            ctx.fail(401);
            return;
        }
        json(ctx, 200, sessionBody(s.get()));
    }

    private void logout(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        Optional<ConsoleSessions.Session> s = c == null ? Optional.empty() : sessions.find(c.getValue());
        if (s.isEmpty()) {
            ctx.fail(401);
            return;
        }
        String refused = SessionOrTokenAuth.csrfRefusal(ctx, s.get());
        if (refused != null) {
            throw new ApiException(403, "Forbidden", refused);
        }
        sessions.end(c.getValue());
        ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(tls));
        json(ctx, 200, StatusBody.failure(200, "", "logged out").put("status", "Success").without("reason"));
    }

    private Cookie cookie(ConsoleSessions.Created s) {
        return Cookie.cookie(COOKIE, s.id()).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(tls).setMaxAge(ConsoleSessions.SESSION_TTL.toSeconds());
    }

    private static ObjectNode sessionBody(ConsoleSessions.Session s) {
        return JSON.createObjectNode().put("csrfToken", s.csrfToken()).put("expires", s.expires().toString());
    }

    private static void json(RoutingContext ctx, int code, ObjectNode body) {
        ConsoleAssets.headers(ctx.response());
        ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(body.toString());
    }

    private static void redirect(RoutingContext ctx, String location) {
        ConsoleAssets.headers(ctx.response());
        ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
    }

    /** OpenAPI entries for these routes. */
    public static ObjectNode openApiPaths() {
        ObjectNode paths = JsonNodeFactory.instance.objectNode();
        op(paths, "/", "get", "consoleRoot", "Redirects to the console", false);
        op(paths, "/console", "get", "consoleRedirect", "Redirects to /console/", false);
        op(paths, "/console/", "get", "consoleFiles", "The web console's files; other paths under it are its pages (index.html)", false);
        op(paths, LINK_PATH, "get", "consoleLoginLink",
                "One-time login link (query parameter code): sets the session cookie, redirects to the console", false);
        op(paths, SESSION_PATH, "get", "consoleSession", "The current console session's CSRF token; 401 without a session", false);
        op(paths, SESSION_PATH, "post", "consoleLogin",
                "Log in with the API token ({\"token\": ...}); sets an HttpOnly SameSite=Strict session cookie", false);
        op(paths, SESSION_PATH, "delete", "consoleLogout", "Log out (needs the X-CSRF-Token header)", false);
        op(paths, LINKS_PATH, "post", "consoleNewLoginLink", "A new one-time console login link, valid 15 minutes", true);
        return paths;
    }

    private static void op(ObjectNode paths, String path, String method, String id, String summary, boolean authenticated) {
        // not paths.with(path): Jackson reads a leading "/" there as a JSON Pointer
        ObjectNode item = paths.get(path) instanceof ObjectNode existing ? existing : paths.putObject(path);
        ObjectNode o = item.putObject(method).put("operationId", id).put("summary", summary);
        o.putArray("tags").add("console");
        if (!authenticated) {
            o.putArray("security");
        }
        o.putObject("responses").putObject("default").put("description", summary);
    }
}
