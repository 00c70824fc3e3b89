package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * providers.aws.sign_req: AWS Signature Version 4 over an http.send request object, as OPA signs it (host,
 * x-amz-content-sha256 and x-amz-date always signed, the session token when given; the payload hash is
 * UNSIGNED-PAYLOAD when disable_payload_signing is true).
 */
public final class AwsSigV4 {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String FN = "providers.aws.sign_req";

    private AwsSigV4() {}

    static void register() {
        define(FN, 3, a -> signRequest(obj(FN, a, 0), obj(FN, a, 1), a[2]));
    }

    @SuppressWarnings("unchecked")
    private static Object signRequest(Map<Object, Object> req, Map<Object, Object> config, Object time) {
        if (!(time instanceof Number n)) throw BuiltinError.type(FN, 3, "number", time);
        long ns = Values.big(n).toBigInteger().longValueExact();
        String accessKey = configString(config, "aws_access_key", true);
        String secret = configString(config, "aws_secret_access_key", true);
        String service = configString(config, "aws_service", true);
        String region = configString(config, "aws_region", true);
        String token = configString(config, "aws_session_token", false);
        boolean unsignedPayload = Boolean.TRUE.equals(config.get("disable_payload_signing"));
        if (!(req.get("method") instanceof String method)) throw new BuiltinError("eval_type_error", FN + ": request: method must be a string");
        if (!(req.get("url") instanceof String url)) throw new BuiltinError("eval_type_error", FN + ": request: url must be a string");
        byte[] body;
        if (req.get("raw_body") instanceof String raw) body = raw.getBytes(StandardCharsets.UTF_8);
        else if (req.containsKey("body")) body = Values.toJsonText(req.get("body")).getBytes(StandardCharsets.UTF_8);
        else body = new byte[0];
        TreeMap<String, String> headers = new TreeMap<>();
        if (req.get("headers") instanceof Map<?, ?> h) {
            for (Map.Entry<?, ?> e : h.entrySet()) {
                if (!(e.getValue() instanceof String v)) throw new BuiltinError("eval_type_error", FN + ": request: header " + e.getKey() + " must be a string");
                headers.put((String) e.getKey(), v);
            }
        }
        Map<String, String> signed = sign(method, url, headers, body, accessKey, secret, token, service, region,
                Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)), unsignedPayload, true);
        TreeMap<Object, Object> out = Values.newObject();
        out.putAll(req);
        TreeMap<Object, Object> h = Values.newObject();
        h.putAll(signed);
        out.put("headers", h);
        return out;
    }

    private static String configString(Map<Object, Object> config, String key, boolean required) {
        Object v = config.get(key);
        if (v == null) {
            if (required) throw new BuiltinError("eval_builtin_error", FN + ": missing required " + key + " in aws_config");
            return null;
        }
        if (!(v instanceof String s)) throw new BuiltinError("eval_type_error", FN + ": aws_config: " + key + " must be a string");
        return s;
    }

    /**
     * Signs a request: returns the given headers plus host, x-amz-date, the session token, the content hash
     * (when contentHashHeader) and Authorization. Header names are signed lower-cased and sorted.
     */
    public static Map<String, String> sign(String method, String url, Map<String, String> headers, byte[] body, String accessKey,
                                           String secret, String token, String service, String region, Instant when,
                                           boolean unsignedPayload, boolean contentHashHeader) {
        URI u;
        try { u = new URI(url); } catch (URISyntaxException e) { throw new BuiltinError("eval_builtin_error", FN + ": invalid url: " + e.getMessage()); }
        String amzDate = AMZ_DATE.format(when), day = amzDate.substring(0, 8);
        String payloadHash = unsignedPayload ? "UNSIGNED-PAYLOAD" : hex(sha256(body));
        TreeMap<String, String> all = new TreeMap<>();
        headers.forEach((k, v) -> {
            String lower = k.toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.equals("x-amz-date") && !lower.equals("authorization")) all.put(k, v);
        });
        all.put("host", u.getRawAuthority() == null ? "" : u.getRawAuthority());
        all.put("x-amz-date", amzDate);
        if (token != null) all.put("x-amz-security-token", token);
        TreeMap<String, String> canonicalHeaders = new TreeMap<>();
        all.forEach((k, v) -> canonicalHeaders.put(k.toLowerCase(Locale.ROOT), v.strip().replaceAll(" +", " ")));
        // as OPA: a content hash header the caller set is what gets signed; the request then carries ours
        if (contentHashHeader) canonicalHeaders.putIfAbsent("x-amz-content-sha256", payloadHash);
        all.keySet().removeIf(k -> k.equalsIgnoreCase("x-amz-content-sha256"));
        if (contentHashHeader) all.put("x-amz-content-sha256", payloadHash);
        String signedHeaders = String.join(";", canonicalHeaders.keySet());
        StringBuilder canonical = new StringBuilder();
        // the method and path exactly as given (OPA signs "get" and an empty path as they are)
        canonical.append(method).append('\n');
        canonical.append(u.getRawPath() == null ? "" : u.getRawPath()).append('\n');
        canonical.append(canonicalQuery(u.getRawQuery())).append('\n');
        canonicalHeaders.forEach((k, v) -> canonical.append(k).append(':').append(v).append('\n'));
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));
        all.put("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature);
        return all;
    }

    /** Query parameters sorted by name then value, as SigV4 wants; they are kept as the URL encodes them. */
    private static String canonicalQuery(String raw) {
        if (raw == null || raw.isEmpty()) return "";
        java.util.List<String[]> params = new java.util.ArrayList<>();
        for (String p : raw.split("&")) {
            String[] kv = p.split("=", 2);
            params.add(new String[] {kv[0], kv.length > 1 ? kv[1] : ""});
        }
        params.sort((x, y) -> x[0].equals(y[0]) ? x[1].compareTo(y[1]) : x[0].compareTo(y[0]));
        StringBuilder b = new StringBuilder();
        for (String[] p : params) b.append(b.length() > 0 ? "&" : "").append(p[0]).append('=').append(p[1]);
        return b.toString();
    }

    private static byte[] sha256(byte[] b) {
        try { return MessageDigest.getInstance("SHA-256").digest(b); } catch (GeneralSecurityException e) { throw new IllegalStateException(e); }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) { return HexFormat.of().formatHex(b); }

}
