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
import java.nio.file.Files;
import java.nio.file.Path;
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
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
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
    private static final String RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";

    static {
        allowHostHeader();
    }
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
        String key = Values.toJsonText(cacheKey(req));
        return EvaluationContext.current().memo(SEND + "\u0000" + key, () -> {
            int retries;
            boolean serialized;
            try {
                retries = retries(req.get("max_retry_attempts"));
                serialized = serializedCaching(req.get("caching_mode"));
            } catch (BuiltinError e) {
                if (raiseError) throw e;
                return errorResult("eval_http_send_internal_error", e.getMessage());
            }
            boolean useCache = Boolean.TRUE.equals(req.get("cache")) || Boolean.TRUE.equals(req.get("force_cache"));
            if (useCache) {
                Cached c = CACHE.get(key);
                if (c != null && System.nanoTime() - c.expiresAtNanos < 0)
                    return c.response instanceof Serialized(String json) ? Values.parseJson(json) : c.response;
            }
            try {
                HttpResponse<byte[]> resp = executeWithRetries(req, method, retries);
                Object out = response(req, resp);
                if (useCache) remember(key, req, resp, serialized ? new Serialized(Values.toJsonText(out)) : out);
                return out;
            } catch (BuiltinError e) {
                throw e;
            } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
                // the exception's own text may quote the URL too
                String msg = redacted(SEND + ": " + req.get("method") + " " + req.get("url") + ": " + describe(e));
                if (raiseError) throw new BuiltinError("eval_builtin_error", msg);
                return errorResult("eval_http_send_network_error", msg);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BuiltinError("eval_builtin_error", SEND + ": interrupted");
            }
        });
    }

    /**
     * The request as a cache key (within and across evaluations), as OPA makes it: the headers named in
     * cache_ignored_headers left out (names as written, like OPA), so requests differing only in them share a response.
     */
    private static Map<Object, Object> cacheKey(Map<Object, Object> req) {
        TreeMap<Object, Object> key = Values.newObject();
        key.putAll(req);
        Object ignored = req.get("cache_ignored_headers");
        key.put("cache_ignored_headers", Values.NULL);
        if (ignored == null || ignored == Values.NULL || !(req.get("headers") instanceof Map<?, ?> headers)) return key;
        if (!(ignored instanceof List<?> names) || !names.stream().allMatch(String.class::isInstance))
            throw new BuiltinError("eval_type_error", SEND + ": \"cache_ignored_headers\" must be an array of strings");
        TreeMap<Object, Object> kept = Values.newObject();
        kept.putAll(headers);
        names.forEach(kept::remove);
        key.put("headers", kept);
        return key;
    }

    /** raise_error false: {"status_code": 0, "error": {"code", "message"}} instead of an error. */
    private static Object errorResult(String code, String message) {
        TreeMap<Object, Object> err = Values.newObject();
        err.put("code", code);
        err.put("message", message);
        TreeMap<Object, Object> out = Values.newObject();
        out.put("status_code", d(0));
        out.put("error", err);
        return out;
    }

    /** A cached response kept as JSON text (caching_mode "serialized", OPA's default): each hit decodes its own copy. */
    private record Serialized(String json) {}

    private static int retries(Object v) {
        if (v == null) return 0;
        if (v instanceof Number n) {
            java.math.BigDecimal b = new java.math.BigDecimal(n.toString());
            if (b.signum() >= 0 && b.stripTrailingZeros().scale() <= 0 && b.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) return b.intValue();
        }
        throw new BuiltinError("eval_builtin_error", SEND + ": invalid value " + Values.toJsonText(v) + " for field \"max_retry_attempts\"");
    }

    private static boolean serializedCaching(Object v) {
        if (v == null || "serialized".equals(v)) return true;
        if ("deserialized".equals(v)) return false;
        if (v instanceof String s) throw new BuiltinError("eval_builtin_error", SEND + ": invalid value specified for \"caching_mode\" field: " + s);
        throw new BuiltinError("eval_builtin_error", SEND + ": invalid value for \"caching_mode\" field");
    }

    /**
     * Sends the request, and again after a network error up to max_retry_attempts times, waiting as OPA does
     * (100 ms, then growing by 1.6x with 20% jitter, at most 60 s). An HTTP error status is a response, not retried.
     */
    private static HttpResponse<byte[]> executeWithRetries(Map<Object, Object> req, String method, int retries)
            throws IOException, InterruptedException, GeneralSecurityException {
        for (int attempt = 0; ; attempt++) {
            try {
                return execute(req, method);
            } catch (IOException e) {
                if (attempt >= retries) throw e;
                double delay = Math.min(100 * Math.pow(1.6, attempt), 60_000) * (0.8 + 0.4 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
                Thread.sleep((long) delay);
            }
        }
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
        if (uri.getScheme().equals("https")) {
            SSLContext ctx = sslContext(req);
            // tls_server_name is also the SNI name, as Go sends tls.Config.ServerName (never an IP address)
            if (serverName(req) instanceof String name && ServerNameTrust.ipLiteral(name) == null) ctx = FixedServerNameContext.wrap(ctx, name);
            client.sslContext(ctx);
        }
        HttpRequest.BodyPublisher body;
        if (req.get("raw_body") instanceof String raw) body = HttpRequest.BodyPublishers.ofString(raw);
        else if (req.containsKey("body")) body = HttpRequest.BodyPublishers.ofString(Values.toJsonText(req.get("body")));
        else body = HttpRequest.BodyPublishers.noBody();
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).method(method.toUpperCase(Locale.ROOT), body);
        if (req.get("headers") instanceof Map<?, ?> headers) {
            for (Map.Entry<?, ?> e : headers.entrySet()) {
                if (!(e.getValue() instanceof String v)) throw new BuiltinError("eval_type_error", SEND + ": header " + Values.toJsonText(e.getKey()) + " must be a string");
                if (((String) e.getKey()).equalsIgnoreCase("host")) hostHeader(client, r, v);
                else r.header((String) e.getKey(), v);
            }
        }
        try (HttpClient c = client.build()) {
            return c.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    /**
     * A Host header (Go's Request.Host): sent over HTTP/1.1, where it is a header (HTTP/2 would take the URL's
     * authority). The JDK's client accepts it only if {@link #RESTRICTED_HEADERS} named "host" when the client's
     * classes were initialised; otherwise the request fails naming the field rather than going out without it.
     */
    private static void hostHeader(HttpClient.Builder client, HttpRequest.Builder r, String host) {
        client.version(HttpClient.Version.HTTP_1_1);
        try {
            r.header("Host", host);
        } catch (IllegalArgumentException e) {
            throw new BuiltinError("eval_builtin_error", SEND + ": headers: \"Host\" cannot be sent: this JVM's HTTP client started "
                    + "before -D" + RESTRICTED_HEADERS + "=host was set (give it on the java command line)");
        }
    }

    /**
     * Names "host" in the JDK client's allowed restricted headers. It only counts if the client's classes have not
     * been initialised yet in this JVM (the hoist launcher passes it on the command line for that reason).
     */
    private static void allowHostHeader() {
        String v = System.getProperty(RESTRICTED_HEADERS);
        if (v == null || v.isBlank()) System.setProperty(RESTRICTED_HEADERS, "host");
        else if (java.util.Arrays.stream(v.split(",")).noneMatch(h -> h.strip().equalsIgnoreCase("host")))
            System.setProperty(RESTRICTED_HEADERS, v + ",host");
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

    /**
     * The TLS context a request asks for, as OPA builds its tls.Config: client certificate pairs (PEM text,
     * files, or environment variables), CAs added to the system pool when tls_use_system_certs is true and
     * replacing it otherwise, or no verification at all when tls_insecure_skip_verify is true.
     */
    private static SSLContext sslContext(Map<Object, Object> req) throws GeneralSecurityException, IOException {
        KeyManager[] keyManagers = clientKeyManagers(req);
        TrustManager[] trustManagers;
        if (Boolean.TRUE.equals(req.get("tls_insecure_skip_verify"))) trustManagers = new TrustManager[] {new TrustEverything()};
        else {
            List<X509Certificate> cas = new ArrayList<>();
            if (req.get("tls_ca_cert") instanceof String pem) cas.addAll(caCerts("tls_ca_cert", pem.replace("\\n", "\n")));
            if (req.get("tls_ca_cert_file") instanceof String file) cas.addAll(caCerts("tls_ca_cert_file", readFile("tls_ca_cert_file", file)));
            if (req.get("tls_ca_cert_env_variable") instanceof String env) cas.addAll(caCerts("tls_ca_cert_env_variable", readEnv("tls_ca_cert_env_variable", env)));
            if (cas.isEmpty()) trustManagers = null; // the JDK's default trust store
            else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                if (Boolean.TRUE.equals(req.get("tls_use_system_certs")))
                    for (X509Certificate c : systemCas()) ks.setCertificateEntry("system" + i++, c);
                for (X509Certificate c : cas) ks.setCertificateEntry("ca" + i++, c);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trustManagers = tmf.getTrustManagers();
            }
        }
        if (serverName(req) instanceof String name && !Boolean.TRUE.equals(req.get("tls_insecure_skip_verify")))
            trustManagers = new TrustManager[] {new ServerNameTrust(x509(trustManagers), name)};
        if (keyManagers == null && trustManagers == null) return SSLContext.getDefault();
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers, trustManagers, new SecureRandom());
        return ctx;
    }

    /** tls_server_name when given (a string, as OPA requires), else null. */
    private static String serverName(Map<Object, Object> req) {
        Object v = req.get("tls_server_name");
        if (v == null) return null;
        if (!(v instanceof String s)) throw new BuiltinError("eval_builtin_error", SEND + ": \"tls_server_name\" must be a string");
        return s.isEmpty() ? null : s;
    }

    /** The X.509 trust manager among these, or the JDK's default one when there are none. */
    private static javax.net.ssl.X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        if (managers == null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            managers = tmf.getTrustManagers();
        }
        for (TrustManager tm : managers) if (tm instanceof javax.net.ssl.X509TrustManager x) return x;
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static List<X509Certificate> caCerts(String field, String pem) throws GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))))
            out.add((X509Certificate) c);
        if (out.isEmpty()) throw new BuiltinError("eval_builtin_error", SEND + ": " + field + ": no certificate found");
        return out;
    }

    private static List<X509Certificate> systemCas() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        List<X509Certificate> out = new ArrayList<>();
        for (TrustManager tm : tmf.getTrustManagers())
            if (tm instanceof javax.net.ssl.X509TrustManager x) out.addAll(List.of(x.getAcceptedIssuers()));
        return out;
    }

    /**
     * The client certificate: each source comes as a pair (tls_client_cert/tls_client_key, the _file pair, the
     * _env_variable pair), as OPA reads them; the key must belong to the certificate's public key.
     */
    private static KeyManager[] clientKeyManagers(Map<Object, Object> req) throws GeneralSecurityException, IOException {
        String cert = null, key = null, source = null;
        if (req.get("tls_client_cert") instanceof String c && req.get("tls_client_key") instanceof String k && !c.isEmpty() && !k.isEmpty()) {
            cert = c; key = k; source = "tls_client_cert/tls_client_key";
        } else if (req.get("tls_client_cert_file") instanceof String c && req.get("tls_client_key_file") instanceof String k && !c.isEmpty() && !k.isEmpty()) {
            cert = readFile("tls_client_cert_file", c); key = readFile("tls_client_key_file", k); source = "tls_client_cert_file/tls_client_key_file";
        } else if (req.get("tls_client_cert_env_variable") instanceof String c && req.get("tls_client_key_env_variable") instanceof String k && !c.isEmpty() && !k.isEmpty()) {
            cert = readEnv("tls_client_cert_env_variable", c); key = readEnv("tls_client_key_env_variable", k); source = "tls_client_cert_env_variable/tls_client_key_env_variable";
        }
        if (cert == null) return null;
        List<X509Certificate> chain;
        java.security.PrivateKey privateKey;
        try {
            chain = caCerts(source, cert);
            privateKey = Keys.javaPrivateKey(key);
        } catch (GeneralSecurityException e) {
            // never the key's text: only what was wrong with it
            throw new BuiltinError("eval_builtin_error", SEND + ": " + source + ": " + e.getMessage());
        }
        if (!belongsTo(privateKey, chain.get(0).getPublicKey()))
            throw new BuiltinError("eval_builtin_error", SEND + ": " + source + ": private key does not match public key");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = new char[0];
        ks.setKeyEntry("client", privateKey, password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return kmf.getKeyManagers();
    }

    /** Whether a private key is the other half of a public key: a signature made with one verifies with the other. */
    private static boolean belongsTo(java.security.PrivateKey priv, java.security.PublicKey pub) {
        if (!priv.getAlgorithm().equals(pub.getAlgorithm())) return false;
        String alg = priv.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + priv.getAlgorithm();
        try {
            byte[] probe = "hoist-keypair-probe".getBytes(StandardCharsets.US_ASCII);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(priv);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(pub);
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String readFile(String field, String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new BuiltinError("eval_builtin_error", SEND + ": " + field + ": cannot read " + path + ": " + describe(e instanceof IOException io ? io : new IOException(e)));
        }
    }

    private static String readEnv(String field, String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) throw new BuiltinError("eval_builtin_error", SEND + ": " + field + ": environment variable " + name + " is not set");
        return v;
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
