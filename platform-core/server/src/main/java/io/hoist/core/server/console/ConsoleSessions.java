package io.hoist.core.server.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's browser sessions and one-time login codes, in memory: a restart logs every browser out
 * (the API token and a new login link still work). Only SHA-256 digests of session ids and codes are kept
 * as map keys, so a lookup never compares secrets character by character and a heap dump holds none.
 */
public final class ConsoleSessions {
    /** A login link works once, for this long after it was printed. */
    public static final Duration LINK_TTL = Duration.ofMinutes(15);
    /** A session ends this long after login (absolute, not sliding: a stolen cookie does not live forever). */
    public static final Duration SESSION_TTL = Duration.ofHours(12);
    static final int MAX_SESSIONS = 10_000;
    static final int MAX_LINKS = 1_000;

    /** A logged-in browser: its CSRF token is sent back in a header on every state-changing request. */
    public record Session(String csrfToken, Instant expires) {}

    /** A session just made: the cookie value goes to the browser once and is not stored. */
    public record Created(String id, Session session) {}

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> links = new ConcurrentHashMap<>();

    public ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    public ConsoleSessions() {
        this(Clock.systemUTC());
    }

    /** A new one-time login code, valid for {@link #LINK_TTL}. */
    public String mintLoginCode() {
        purge();
        if (links.size() >= MAX_LINKS) {
            throw new IllegalStateException("too many unused login links: wait " + LINK_TTL.toMinutes() + " minutes");
        }
        String code = randomToken();
        links.put(digest(code), clock.instant().plus(LINK_TTL));
        return code;
    }

    /** Uses up a login code: a session when the code is known and fresh, empty otherwise (also on reuse). */
    public Optional<Created> redeem(String code) {
        if (code == null || code.isEmpty()) {
            return Optional.empty();
        }
        Instant expires = links.remove(digest(code));
        if (expires == null || !clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        return Optional.of(create());
    }

    /** A session for a browser that proved it holds the API token. */
    public Created create() {
        purge();
        if (sessions.size() >= MAX_SESSIONS) {
            // Oldest first would need ordering; dropping the expired ones above is normally enough, and a
            // flood of logins must not grow memory without bound.
            sessions.clear();
        }
        String id = randomToken();
        Session s = new Session(randomToken(), clock.instant().plus(SESSION_TTL));
        sessions.put(digest(id), s);
        return new Created(id, s);
    }

    public Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        String key = digest(id);
        Session s = sessions.get(key);
        if (s == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(s.expires())) {
            sessions.remove(key);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public void end(String id) {
        if (id != null && !id.isEmpty()) {
            sessions.remove(digest(id));
        }
    }

    /** Constant-time comparison of a presented CSRF token with the session's. */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private void purge() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
        links.values().removeIf(e -> !now.isBefore(e));
    }

    private String randomToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
