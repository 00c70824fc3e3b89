package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The builtins that reach the network: net.lookup_ip_addr (the JVM's resolver) and http.send (java.net.http).
 * Both run only in evaluations whose Limits allow the network; otherwise they fail as builtin errors. As in OPA,
 * identical http.send requests are sent once per evaluation; {@code cache}/{@code force_cache} keep responses
 * across evaluations (Cache-Control max-age / Expires, or force_cache_duration_seconds).
 */
final class Network {
    private static final String SEND = "http.send";
    private static final Set<String> REQUEST_KEYS = Set.of("url", "method", "body", "raw_body", "headers", "enable_redirect",
            "force_json_decode", "force_yaml_decode", "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file",
            "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_key", "tls_client_cert_file", "tls_client_key_file",
            "tls_client_cert_env_variable", "tls_client_key_env_variable", "tls_insecure_skip_verify", "tls_server_name",
            "timeout", "cache", "force_cache", "force_cache_duration_seconds", "caching_mode", "raise_error",
            "max_retry_attempts", "cache_ignored_headers");
    /** OPA's default http.send timeout. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 1000;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, String> REASONS = Map.ofEntries(Map.entry("200", "OK"), Map.entry("201", "Created"),
            Map.entry("202", "Accepted"), Map.entry("204", "No Content"), Map.entry("301", "Moved Permanently"),
            Map.entry("302", "Found"), Map.entry("304", "Not Modified"), Map.entry("307", "Temporary Redirect"),
            Map.entry("308", "Permanent Redirect"), Map.entry("400", "Bad Request"), Map.entry("401", "Unauthorized"),
            Map.entry("403", "Forbidden"), Map.entry("404", "Not Found"), Map.entry("405", "Method Not Allowed"),
            Map.entry("409", "Conflict"), Map.entry("418", "I'm a teapot"), Map.entry("429", "Too Many Requests"),
            Map.entry("500", "Internal Server Error"), Map.entry("502", "Bad Gateway"), Map.entry("503", "Service Unavailable"),
            Map.entry("504", "Gateway Timeout"));

    private record Cached(long expiresAtNanos, Object response) {}

    private Network() {}

    static void register() {
        define("net.lookup_ip_addr", 1, a -> {
            String name = str("net.lookup_ip_addr", a, 0);
            EvaluationContext.requireNetwork("net.lookup_ip_addr");
            try {
                TreeSet<Object> out = Values.newSet();
                for (InetAddress addr : InetAddress.getAllByName(name)) out.add(text(addr));
                return out;
            } catch (UnknownHostException e) {
                throw new BuiltinError("eval_builtin_error", "net.lookup_ip_addr: lookup " + name + ": no such host");
            }
        });
        define(SEND, 1, a -> send(obj(SEND, a, 0)));
    }

    /** An address as Go prints it: IPv6 in its shortest form (RFC 5952: the longest run of zero groups as "::"). */
    static String text(InetAddress addr) {
        if (!(addr instanceof java.net.Inet6Address)) return addr.getHostAddress();
        byte[] b = addr.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) { out.append("::"); i += bestLen - 1; continue; }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    private static Object send(Map<Object, Object> req) {
        List<String> unknown = new ArrayList<>();
        for (Object k : req.keySet()) if (!REQUEST_KEYS.contains(k)) unknown.add(Values.toJsonText(k));
        if (!unknown.isEmpty()) throw new BuiltinError("eval_type_error", SEND + ": invalid request parameters(s): {" + String.join(", ", unknown) + "}");
        if (!(req.get("method") instanceof String method)) throw new BuiltinError("eval_type_error", SEND + ": missing required request parameters(s): {\"method\"}");
        if (!(req.get("url") instanceof String)) throw new BuiltinError("eval_type_error", SEND + ": missing required request parameters(s): {\"url\"}");
        boolean raiseError = !Boolean.FALSE.equals(req.get("raise_error"));
        EvaluationContext.requireNetwork(SEND);
        String key = Values.toJsonText(req);
        return EvaluationContext.current().memo(SEND + "\u0000" + key, () -> {
            boolean useCache = Boolean.TRUE.equals(req.get("cache")) || Boolean.TRUE.equals(req.get("force_cache"));
            if (useCache) {
                Cached c = CACHE.get(key);
                if (c != null && System.nanoTime() - c.expiresAtNanos < 0) return c.response;
            }
            try {
                HttpResponse<byte[]> resp = execute(req, method);
                Object out = response(req, resp);
                if (useCache) remember(key, req, resp, out);
                return out;
            } catch (BuiltinError e) {
                throw e;
            } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
                // the exception's own text may quote the URL too
                String msg = redacted(SEND + ": " + req.get("method") + " " + req.get("url") + ": " + describe(e));
                if (raiseError) throw new BuiltinError("eval_builtin_error", msg);
                TreeMap<Object, Object> err = Values.newObject();
                err.put("code", "eval_http_send_network_error");
                err.put("message", msg);
                TreeMap<Object, Object> out = Values.newObject();
                out.put("status_code", d(0));
                out.put("error", err);
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuiltinError("eval_builtin_error", SEND + ": interrupted");
            }
        });
    }

    /** The URL without user:password@, so credentials in it never reach an error, a log or a report. */
    static String redacted(String url) {
        return url.replaceAll("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#\\s]*@", "$1***@");
    }

    private static String describe(Exception e) {
        if (e instanceof java.net.http.HttpTimeoutException) return "request timed out";
        if (e instanceof java.net.ConnectException) return "connection refused";
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static HttpResponse<byte[]> execute(Map<Object, Object> req, String method) throws IOException, InterruptedException, GeneralSecurityException {
        URI uri = URI.create((String) req.get("url"));
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")))
            throw new BuiltinError("eval_builtin_error", SEND + ": url: unsupported protocol scheme in " + Values.toJsonText(redacted((String) req.get("url"))));
        Duration timeout = timeout(req.get("timeout"));
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(Boolean.TRUE.equals(req.get("enable_redirect")) ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER);
        if (uri.getScheme().equals("https")) client.sslContext(sslContext(req));
        HttpRequest.BodyPublisher body;
        if (req.get("raw_body") instanceof String raw) body = HttpRequest.BodyPublishers.ofString(raw);
        else if (req.containsKey("body")) body = HttpRequest.BodyPublishers.ofString(Values.toJsonText(req.get("body")));
        else body = HttpRequest.BodyPublishers.noBody();
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).method(method.toUpperCase(Locale.ROOT), body);
        if (req.get("headers") instanceof Map<?, ?> headers) {
            for (Map.Entry<?, ?> e : headers.entrySet()) {
                if (!(e.getValue() instanceof String v)) throw new BuiltinError("eval_type_error", SEND + ": header " + Values.toJsonText(e.getKey()) + " must be a string");
                r.header((String) e.getKey(), v);
            }
        }
        try (HttpClient c = client.build()) {
            return c.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static Duration timeout(Object t) {
        if (t == null) return DEFAULT_TIMEOUT;
        long ns;
        if (t instanceof String s) ns = Time.duration(s).longValueExact();
        else if (t instanceof Number n) ns = Values.big(n).longValue();
        else throw BuiltinError.type(SEND, 1, "timeout as a number or string", t);
        // OPA: zero means no timeout; the evaluation's time budget still bounds it
        return ns <= 0 ? Duration.ofDays(1) : Duration.ofNanos(ns);
    }

    private static SSLContext sslContext(Map<Object, Object> req) throws GeneralSecurityException, IOException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        if (Boolean.TRUE.equals(req.get("tls_insecure_skip_verify"))) {
            ctx.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
            return ctx;
        }
        if (req.get("tls_ca_cert") instanceof String pem) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))))
                ks.setCertificateEntry("ca" + i++, c);
            if (i == 0) throw new BuiltinError("eval_builtin_error", SEND + ": tls_ca_cert: no certificate found");
            // OPA adds the given CAs to the system pool when tls_use_system_certs is true; here they replace it otherwise
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        }
        return SSLContext.getDefault();
    }

    @SuppressWarnings("unchecked")
    private static Object response(Map<Object, Object> req, HttpResponse<byte[]> resp) {
        TreeMap<Object, Object> out = Values.newObject();
        int code = resp.statusCode();
        String reason = REASONS.get(Integer.toString(code));
        out.put("status", reason == null ? Integer.toString(code) : code + " " + reason);
        out.put("status_code", d(code));
        TreeMap<Object, Object> headers = Values.newObject();
        resp.headers().map().forEach((k, v) -> {
            if (k.startsWith(":")) return; // HTTP/2 pseudo headers
            List<Object> l = (List<Object>) headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>());
            l.addAll(v);
        });
        out.put("headers", headers);
        String raw = new String(resp.body(), StandardCharsets.UTF_8);
        out.put("raw_body", raw);
        String contentType = resp.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        Object body = Values.NULL;
        if (Boolean.TRUE.equals(req.get("force_json_decode")) || contentType.contains("application/json")) {
            if (!raw.isEmpty()) {
                try { body = Values.parseJson(raw); }
                catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", SEND + ": body is not JSON: " + e.getMessage()); }
            }
        } else if (Boolean.TRUE.equals(req.get("force_yaml_decode")) || contentType.contains("yaml")) {
            body = Builtins.get("yaml.unmarshal").fn().apply(new Object[] {raw});
        }
        out.put("body", body);
        return out;
    }

    /** Keeps a response while Cache-Control max-age (or force_cache_duration_seconds) says it is fresh. */
    private static void remember(String key, Map<Object, Object> req, HttpResponse<byte[]> resp, Object out) {
        long seconds = -1;
        if (Boolean.TRUE.equals(req.get("force_cache")) && req.get("force_cache_duration_seconds") instanceof Number n) seconds = n.longValue();
        else {
            for (String cc : resp.headers().allValues("cache-control")) {
                for (String part : cc.split(",")) {
                    String p = part.strip().toLowerCase(Locale.ROOT);
                    if (p.equals("no-store") || p.equals("no-cache")) return;
                    if (p.startsWith("max-age=")) {
                        try { seconds = Long.parseLong(p.substring(8)); } catch (NumberFormatException e) { return; }
                    }
                }
            }
        }
        if (seconds <= 0) return;
        if (CACHE.size() >= MAX_CACHED) {
            long now = System.nanoTime();
            CACHE.values().removeIf(c -> now - c.expiresAtNanos >= 0);
            if (CACHE.size() >= MAX_CACHED) CACHE.clear();
        }
        CACHE.put(key, new Cached(System.nanoTime() + seconds * 1_000_000_000L, out));
    }

    /** tls_insecure_skip_verify: accepts any server certificate and name (the user turned verification off). */
    private static final class TrustEverything extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

}
