package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * io.jwt.*: decode, verify_{hs,rs,ps,es}{256,384,512}, decode_verify, encode_sign, encode_sign_raw (JWS compact
 * serialisation; JWE is refused as OPA refuses it). Keys are PEM certificates or public keys, JWKs or JWK sets
 * (any key of a set may verify); HMAC secrets are plain strings. Signing and verification are the JDK's.
 */
final class Jwt {
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Base64.Encoder B64E = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {}

    /** A compact JWS split into its parts. */
    record Token(String header64, String payload64, String signature64, Map<Object, Object> header, byte[] payload, byte[] signature) {
        byte[] signingInput() { return (header64 + "." + payload64).getBytes(StandardCharsets.US_ASCII); }
    }

    static void register() {
        define("io.jwt.decode", 1, a -> {
            Token t = decodeNested("io.jwt.decode", str("io.jwt.decode", a, 0));
            return new ArrayList<>(List.of(t.header, payloadObject("io.jwt.decode", t), HexFormat.of().formatHex(t.signature)));
        });
        for (String bits : List.of("256", "384", "512")) {
            for (String family : List.of("hs", "rs", "ps", "es")) {
                String fn = "io.jwt.verify_" + family + bits, alg = family.toUpperCase() + bits;
                define(fn, 2, a -> {
                    Token t = parse(fn, str(fn, a, 0));
                    String key = str(fn, a, 1);
                    if (family.equals("hs")) return verifyHmac(alg, t, key.getBytes(StandardCharsets.UTF_8));
                    return verifyAny(fn, alg, t, publicKeys(fn, key));
                });
            }
        }
        define("io.jwt.decode_verify", 2, a -> decodeVerify(str("io.jwt.decode_verify", a, 0), obj("io.jwt.decode_verify", a, 1)));
        define("io.jwt.encode_sign_raw", 3, a -> {
            String fn = "io.jwt.encode_sign_raw";
            String header = str(fn, a, 0), payload = str(fn, a, 1), key = str(fn, a, 2);
            Map<Object, Object> h = json(fn, "header", header);
            if ("JWT".equals(h.get("typ"))) {
                try { if (payload.isBlank()) throw new IllegalArgumentException("empty"); Values.parseJson(payload); }
                catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": type is JWT but payload is not JSON"); }
            }
            return sign(fn, h, header, payload, json(fn, "key", key));
        });
        define("io.jwt.encode_sign", 3, a -> {
            String fn = "io.jwt.encode_sign";
            Map<Object, Object> header = obj(fn, a, 0), key = obj(fn, a, 2);
            Map<Object, Object> payload = obj(fn, a, 1);
            // OPA serialises with Rego's text form ({"a": 1}), which is also JSON for these values
            return sign(fn, header, Values.toRegoText(header), Values.toRegoText(payload), key);
        });
    }

    // ------------------------------------------------------------------ parsing

    static Token parse(String fn, String jwt) {
        if (jwt.indexOf('.') < 0) throw new BuiltinError("eval_builtin_error", fn + ": encoded JWT had no period separators");
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) throw new BuiltinError("eval_builtin_error", fn + ": encoded JWT must have 3 sections, found " + parts.length);
        byte[] h = b64(fn, "header", parts[0]), p = b64(fn, "payload", parts[1]), s = b64(fn, "signature", parts[2]);
        Object header;
        try { header = Values.parseJson(new String(h, StandardCharsets.UTF_8)); }
        catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": JWT header had invalid encoding: " + e.getMessage()); }
        if (!(header instanceof Map<?, ?> hm)) throw new BuiltinError("eval_builtin_error", fn + ": JWT header is not an object");
        @SuppressWarnings("unchecked") Map<Object, Object> hmap = (Map<Object, Object>) hm;
        if (hmap.containsKey("enc")) throw new BuiltinError("eval_builtin_error", fn + ": JWT is a JWE object, which is not supported");
        return new Token(parts[0], parts[1], parts[2], hmap, p, s);
    }

    private static byte[] b64(String fn, String part, String s) {
        try { return B64.decode(s); }
        catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": JWT " + part + " had invalid encoding: " + e.getMessage()); }
    }

    /** Follows cty "JWT" (a token whose payload is a JSON string holding the inner token) down to the innermost. */
    private static Token decodeNested(String fn, String jwt) {
        Token t = parse(fn, jwt);
        for (int depth = 0; "JWT".equals(t.header.get("cty")) && depth < 16; depth++) t = parse(fn, innerToken(t));
        return t;
    }

    /** A nested token's payload: the inner token as a JSON string, or as bare text. */
    private static String innerToken(Token t) {
        String text = new String(t.payload, StandardCharsets.UTF_8);
        try {
            if (Values.parseJson(text) instanceof String s) return s;
        } catch (IllegalArgumentException e) {
            // bare text
        }
        return text.strip();
    }

    private static Object payloadObject(String fn, Token t) {
        try {
            Object p = Values.parseJson(new String(t.payload, StandardCharsets.UTF_8));
            if (!(p instanceof Map)) throw new BuiltinError("eval_builtin_error", fn + ": JWT payload is not an object");
            return p;
        } catch (IllegalArgumentException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": JWT payload had invalid encoding: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> json(String fn, String what, String text) {
        try {
            if (Values.parseJson(text) instanceof Map<?, ?> m) return (Map<Object, Object>) m;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new BuiltinError("eval_builtin_error", fn + ": " + what + " is not a JSON object");
    }

    // ------------------------------------------------------------------ verification

    private static boolean verifyHmac(String alg, Token t, byte[] secret) {
        byte[] mac = Crypto.mac("io.jwt.verify_" + alg.toLowerCase(), "HmacSHA" + alg.substring(2), secret, t.signingInput());
        return MessageDigest.isEqual(mac, t.signature);
    }

    private static boolean verifyAny(String fn, String alg, Token t, List<PublicKey> keys) {
        for (PublicKey k : keys) if (verify(alg, t, k)) return true;
        return false;
    }

    private static boolean verify(String alg, Token t, PublicKey key) {
        try {
            Signature s = signature(alg);
            if (s == null) return false;
            s.initVerify(key);
            s.update(t.signingInput());
            return s.verify(t.signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // wrong key type for the algorithm, malformed signature: not valid
        }
    }

    /** The JDK signature for a JWS alg (ES* in the raw R||S form JWS uses), or null for an unknown one. */
    private static Signature signature(String alg) throws GeneralSecurityException {
        if (alg.length() != 5) return null;
        String bits = alg.substring(2);
        if (!bits.equals("256") && !bits.equals("384") && !bits.equals("512")) return null;
        return switch (alg.substring(0, 2)) {
            case "RS" -> Signature.getInstance("SHA" + bits + "withRSA");
            case "ES" -> Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
            case "PS" -> {
                Signature s = Signature.getInstance("RSASSA-PSS");
                s.setParameter(new PSSParameterSpec("SHA-" + bits, "MGF1", new MGF1ParameterSpec("SHA-" + bits), Integer.parseInt(bits) / 8, 1));
                yield s;
            }
            default -> null;
        };
    }

    /** Public keys from a PEM certificate or public key, a JWK or a JWK set. */
    static List<PublicKey> publicKeys(String fn, String text) {
        String s = text.strip();
        if (s.startsWith("-----BEGIN")) return List.of(pem(fn, s));
        Map<Object, Object> jwk = json(fn, "key", s);
        List<PublicKey> out = new ArrayList<>();
        if (jwk.get("keys") instanceof List<?> keys) {
            for (Object k : keys) if (k instanceof Map<?, ?> m) { @SuppressWarnings("unchecked") var km = (Map<Object, Object>) m; out.add((PublicKey) jwkKey(fn, km, false)); }
        } else {
            out.add((PublicKey) jwkKey(fn, jwk, false));
        }
        return out;
    }

    private static PublicKey pem(String fn, String s) {
        int end = s.indexOf("-----END");
        int close = end < 0 ? -1 : s.indexOf("-----", end + 8);
        if (end < 0 || close < 0) throw new BuiltinError("eval_builtin_error", fn + ": failed to find a PEM certificate block");
        if (!s.substring(close + 5).isBlank()) throw new BuiltinError("eval_builtin_error", fn + ": extra data after a PEM certificate block");
        String type = s.substring("-----BEGIN ".length(), s.indexOf("-----", 10));
        String body = s.substring(s.indexOf("-----", 10) + 5, end).replaceAll("\\s", "");
        byte[] der;
        try { der = Base64.getDecoder().decode(body); }
        catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": failed to extract a Key from the PEM certificate"); }
        try {
            if (type.equals("CERTIFICATE")) {
                return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            }
            if (type.equals("PUBLIC KEY")) {
                for (String kind : List.of("RSA", "EC")) {
                    try { return KeyFactory.getInstance(kind).generatePublic(new X509EncodedKeySpec(der)); }
                    catch (GeneralSecurityException e) { /* try the next kind */ }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": failed to parse a PEM certificate");
        }
        throw new BuiltinError("eval_builtin_error", fn + ": failed to extract a Key from the PEM certificate");
    }

    /** A JWK (RSA, EC or oct) as a JDK key; private when asked and the JWK holds the private parts. */
    private static Key jwkKey(String fn, Map<Object, Object> jwk, boolean priv) {
        try {
            switch (String.valueOf(jwk.get("kty"))) {
                case "RSA" -> {
                    KeyFactory kf = KeyFactory.getInstance("RSA");
                    BigInteger n = big(fn, jwk, "n"), e = big(fn, jwk, "e");
                    if (!priv) return kf.generatePublic(new RSAPublicKeySpec(n, e));
                    BigInteger d = big(fn, jwk, "d");
                    if (jwk.containsKey("p") && jwk.containsKey("q") && jwk.containsKey("dp") && jwk.containsKey("dq") && jwk.containsKey("qi")) {
                        return kf.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, big(fn, jwk, "p"), big(fn, jwk, "q"),
                                big(fn, jwk, "dp"), big(fn, jwk, "dq"), big(fn, jwk, "qi")));
                    }
                    return kf.generatePrivate(new RSAPrivateKeySpec(n, d));
                }
                case "EC" -> {
                    String curve = switch (String.valueOf(jwk.get("crv"))) {
                        case "P-256" -> "secp256r1";
                        case "P-384" -> "secp384r1";
                        case "P-521" -> "secp521r1";
                        default -> throw new BuiltinError("eval_builtin_error", fn + ": unsupported EC curve " + jwk.get("crv"));
                    };
                    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
                    params.init(new ECGenParameterSpec(curve));
                    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
                    KeyFactory kf = KeyFactory.getInstance("EC");
                    if (priv) return kf.generatePrivate(new ECPrivateKeySpec(big(fn, jwk, "d"), spec));
                    return kf.generatePublic(new ECPublicKeySpec(new ECPoint(big(fn, jwk, "x"), big(fn, jwk, "y")), spec));
                }
                case "oct" -> {
                    return new javax.crypto.spec.SecretKeySpec(bytes(fn, jwk, "k"), "HMAC");
                }
                default -> throw new BuiltinError("eval_builtin_error", fn + ": failed to parse a JWK key (unsupported kty " + jwk.get("kty") + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": failed to parse a JWK key: " + e.getMessage());
        }
    }

    private static byte[] bytes(String fn, Map<Object, Object> jwk, String field) {
        if (!(jwk.get(field) instanceof String s)) throw new BuiltinError("eval_builtin_error", fn + ": failed to parse a JWK key (missing " + field + ")");
        try { return B64.decode(s); }
        catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": failed to parse a JWK key (" + field + " is not base64url)"); }
    }

    private static BigInteger big(String fn, Map<Object, Object> jwk, String field) { return new BigInteger(1, bytes(fn, jwk, field)); }

    // ------------------------------------------------------------------ signing

    private static String sign(String fn, Map<Object, Object> header, String headerText, String payloadText, Map<Object, Object> jwk) {
        if (!(header.get("alg") instanceof String alg)) throw new BuiltinError("eval_builtin_error", fn + ": header has no alg");
        String input = B64E.encodeToString(headerText.getBytes(StandardCharsets.UTF_8)) + "." + B64E.encodeToString(payloadText.getBytes(StandardCharsets.UTF_8));
        byte[] sig;
        if (alg.equals("none")) sig = new byte[0];
        else if (alg.startsWith("HS")) {
            if (!"oct".equals(jwk.get("kty"))) throw new BuiltinError("eval_builtin_error", fn + ": " + alg + " needs an oct key");
            sig = Crypto.mac(fn, "HmacSHA" + alg.substring(2), bytes(fn, jwk, "k"), input.getBytes(StandardCharsets.US_ASCII));
        } else {
            try {
                Signature s = signature(alg);
                if (s == null) throw new BuiltinError("eval_builtin_error", fn + ": unsupported alg " + alg);
                s.initSign((PrivateKey) jwkKey(fn, jwk, true));
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                sig = s.sign();
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new BuiltinError("eval_builtin_error", fn + ": cannot sign with " + alg + ": " + e.getMessage());
            }
        }
        return input + "." + B64E.encodeToString(sig);
    }

    // ------------------------------------------------------------------ decode_verify

    private static final Set<String> CONSTRAINTS = Set.of("cert", "secret", "alg", "iss", "aud", "time");

    private static Object decodeVerify(String jwt, Map<Object, Object> c) {
        String fn = "io.jwt.decode_verify";
        for (Object k : c.keySet()) if (!CONSTRAINTS.contains(k)) throw new BuiltinError("eval_builtin_error", fn + ": unknown token validation constraint: " + k);
        if (c.containsKey("cert") == c.containsKey("secret")) throw new BuiltinError("eval_builtin_error", fn + ": exactly one of cert or secret must be given");
        List<Object> invalid = new ArrayList<>(List.of(false, Values.newObject(), Values.newObject()));
        Token t = parse(fn, jwt);
        // the signature is checked on the outer token; nested tokens (cty JWT) are checked one by one inward
        while (true) {
            if (!(t.header.get("alg") instanceof String alg)) return invalid;
            if (c.get("alg") instanceof String want && !want.equals(alg)) return invalid;
            if (t.header.containsKey("crit")) return invalid; // no critical extension is understood here
            boolean ok;
            if (c.get("secret") instanceof String secret) ok = alg.startsWith("HS") && verifyHmac(alg, t, secret.getBytes(StandardCharsets.UTF_8));
            else if (c.get("cert") instanceof String cert) ok = !alg.startsWith("HS") && verifyAny(fn, alg, t, publicKeys(fn, cert));
            else throw new BuiltinError("eval_builtin_error", fn + ": cert and secret must be strings");
            if (!ok) return invalid;
            if (!"JWT".equals(t.header.get("cty"))) break;
            t = parse(fn, innerToken(t));
        }
        Object payload = payloadObject(fn, t);
        @SuppressWarnings("unchecked") Map<Object, Object> claims = (Map<Object, Object>) payload;
        double now = c.get("time") instanceof Number n ? n.doubleValue() : System.currentTimeMillis() * 1e6;
        for (String claim : List.of("exp", "nbf")) {
            if (claims.containsKey(claim) && !(claims.get(claim) instanceof Number)) throw new BuiltinError("eval_builtin_error", fn + ": " + claim + " value must be a number");
        }
        if (claims.get("exp") instanceof Number exp && now >= exp.doubleValue() * 1e9) return invalid;
        if (claims.get("nbf") instanceof Number nbf && now < nbf.doubleValue() * 1e9) return invalid;
        if (c.containsKey("iss") && !Values.equal(c.get("iss"), claims.get("iss") == null ? Values.NULL : claims.get("iss"))) return invalid;
        Object aud = claims.get("aud"), want = c.get("aud");
        if (aud != null || want != null) {
            if (aud == null || want == null) return invalid;
            boolean match = aud instanceof List<?> l ? l.stream().anyMatch(x -> Values.equal(x, want)) : Values.equal(aud, want);
            if (!match) return invalid;
        }
        return new ArrayList<>(List.of(true, t.header, payload));
    }
}
