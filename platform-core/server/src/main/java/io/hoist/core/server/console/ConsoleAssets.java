package io.hoist.core.server.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The console's built files (Vite's output, from the hoist-console jar under {@value #ROOT}), held in
 * memory with the gzip copies the build made. Hashed assets are cached for a year; {@code index.html}
 * is revalidated each time so a new build is picked up. Any other path under /console/ is a page of the
 * single-page app and gets {@code index.html}.
 */
final class ConsoleAssets {
    static final String ROOT = "hoist-console/";
    private static final String FILE_LIST = "files.txt";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("json", "application/json"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"), Map.entry("ttf", "font/ttf"),
            Map.entry("txt", "text/plain; charset=utf-8"));
    /** Served with every console file: no framing, no inline script, no referrer (login links carry a code). */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'; object-src 'none'";

    record Asset(String type, Buffer plain, Buffer gzip, boolean immutable) {}

    private final Map<String, Asset> files;

    private ConsoleAssets(Map<String, Asset> files) {
        this.files = files;
    }

    /** Loads the built console from the class path; empty when this build has none. */
    static ConsoleAssets load(ClassLoader loader) {
        Map<String, Asset> files = new HashMap<>();
        String list = read(loader, ROOT + FILE_LIST);
        if (list != null) {
            for (String name : new String(list.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).split("\n")) {
                name = name.strip();
                if (name.isEmpty() || name.endsWith(".gz")) {
                    continue;
                }
                byte[] plain = bytes(loader, ROOT + name);
                if (plain == null) {
                    throw new IllegalStateException("the console build lists " + name + " but the jar lacks it");
                }
                byte[] gz = bytes(loader, ROOT + name + ".gz");
                String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
                files.put(name, new Asset(TYPES.getOrDefault(ext, "application/octet-stream"), Buffer.buffer(plain),
                        gz == null ? null : Buffer.buffer(gz), name.startsWith("assets/")));
            }
        }
        return new ConsoleAssets(Map.copyOf(files));
    }

    boolean present() {
        return files.containsKey("index.html");
    }

    /** {@code path} is what follows /console/. */
    void serve(RoutingContext ctx, String path) {
        Asset a = files.get(path);
        if (a == null) {
            boolean page = !path.contains(".") && !path.startsWith("assets/");
            a = page ? files.get("index.html") : null;
        }
        var response = ctx.response();
        headers(response);
        if (a == null) {
            response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(present() ? "not found" : "this Hoist build has no console (build the console module)");
            return;
        }
        response.putHeader("Content-Type", a.type());
        response.putHeader("Cache-Control", a.immutable() ? "public, max-age=31536000, immutable" : "no-cache");
        response.putHeader("Vary", "Accept-Encoding");
        String accept = ctx.request().getHeader("Accept-Encoding");
        if (a.gzip() != null && accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip")) {
            response.putHeader("Content-Encoding", "gzip");
            response.end(ctx.request().method().name().equals("HEAD") ? Buffer.buffer() : a.gzip());
        } else {
            response.end(ctx.request().method().name().equals("HEAD") ? Buffer.buffer() : a.plain());
        }
    }

    static void headers(io.vertx.core.http.HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", CSP);
        response.putHeader("X-Content-Type-Options", "nosniff");
        response.putHeader("X-Frame-Options", "DENY");
        response.putHeader("Referrer-Policy", "no-referrer");
    }

    private static String read(ClassLoader loader, String name) {
        byte[] b = bytes(loader, name);
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + " from the class path: " + e.getMessage(), e);
        }
    }
}
