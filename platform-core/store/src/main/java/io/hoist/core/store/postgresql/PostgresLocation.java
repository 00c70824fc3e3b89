package io.hoist.core.store.postgresql;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Properties;

/**
 * Where the PostgreSQL store lives, from {@code postgresql://user@host:port/database?param=value} (libpq's URI form,
 * what {@code psql} takes). The password never comes from the URI, which ends up in shell history and process
 * lists: it comes from {@code PGPASSWORD}, or from the driver's {@code ~/.pgpass} / {@code PGPASSFILE} lookup.
 */
public record PostgresLocation(String jdbcUrl, String user, String password) {

    /** Parses {@code url}; {@code env} supplies {@code PGPASSWORD} and {@code PGUSER} (the process environment). */
    public static PostgresLocation parse(String url, java.util.Map<String, String> env) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--store: not a URL: " + e.getReason());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--store: the scheme must be postgresql:// (got " + uri.getScheme() + ")");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("--store: the URL names no host (postgresql://user@host:5432/database)");
        }
        String user = uri.getUserInfo();
        if (user != null && user.contains(":")) {
            throw new IllegalArgumentException("--store: put the password in PGPASSWORD or ~/.pgpass, not in the URL");
        }
        if (user == null || user.isEmpty()) {
            user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("--store: the URL names no database (postgresql://user@host:5432/database)");
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/" + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new PostgresLocation(jdbc, user, env.get("PGPASSWORD"));
    }

    /** Connection properties for the driver (the password only when one was given). */
    Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "hoist");
        return p;
    }

    @Override
    public String toString() {
        // never the password
        return jdbcUrl + " as " + user;
    }
}
