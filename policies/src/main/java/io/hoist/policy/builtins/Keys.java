package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Private keys and key pairs: crypto.parse_private_keys (every private key of a PEM text, as Go's rsa/ecdsa
 * PrivateKey marshal to JSON), crypto.x509.parse_keypair (Go's tls.Certificate: DER certificates, the key, the
 * leaf) and crypto.x509.parse_and_verify_certificates_with_options (DNSName, CurrentTime, KeyUsages).
 * Keys are read from their DER (PKCS#1, PKCS#8, SEC1) here; Ed25519/X25519 keys are not supported.
 */
final class Keys {
    private static final String RSA_OID = "2a864886f70d010101", EC_OID = "2a8648ce3d0201";
    /** Go's ExtKeyUsage names (as OPA's options take them) to their OIDs; Any matches every usage. */
    private static final Map<String, String> EXT_KEY_USAGES = Map.ofEntries(
            Map.entry("KeyUsageServerAuth", "1.3.6.1.5.5.7.3.1"), Map.entry("KeyUsageClientAuth", "1.3.6.1.5.5.7.3.2"),
            Map.entry("KeyUsageCodeSigning", "1.3.6.1.5.5.7.3.3"), Map.entry("KeyUsageEmailProtection", "1.3.6.1.5.5.7.3.4"),
            Map.entry("KeyUsageIPSECEndSystem", "1.3.6.1.5.5.7.3.5"), Map.entry("KeyUsageIPSECTunnel", "1.3.6.1.5.5.7.3.6"),
            Map.entry("KeyUsageIPSECUser", "1.3.6.1.5.5.7.3.7"), Map.entry("KeyUsageTimeStamping", "1.3.6.1.5.5.7.3.8"),
            Map.entry("KeyUsageOCSPSigning", "1.3.6.1.5.5.7.3.9"), Map.entry("KeyUsageAny", "2.5.29.37.0"));

    /** A parsed private key: Go's JSON form and the public values to match a certificate against. */
    private record PrivateKey(Object goJson, BigInteger rsaModulus, BigInteger ecX) {}

    private Keys() {}

    static void register() {
        define("crypto.parse_private_keys", 1, a -> {
            String s = str("crypto.parse_private_keys", a, 0);
            if (s.isEmpty()) return Values.NULL;
            List<Object> out = new ArrayList<>();
            for (PrivateKey k : privateKeys(s)) out.add(k.goJson);
            return out;
        });
        define("crypto.x509.parse_keypair", 2, a -> keypair(str("crypto.x509.parse_keypair", a, 0), str("crypto.x509.parse_keypair", a, 1)));
        define("crypto.x509.parse_and_verify_certificates_with_options", 2, a -> {
            String fn = "crypto.x509.parse_and_verify_certificates_with_options";
            return verifyWithOptions(fn, X509.certificates(fn, str(fn, a, 0)), obj(fn, a, 1));
        });
    }

    // ------------------------------------------------------------------ private keys

    /** The PEM blocks of s (or of base64 of s) that hold private keys; null (undefined) when one cannot be read. */
    private static List<PrivateKey> privateKeys(String s) {
        String text = s;
        if (!s.contains("-----BEGIN")) {
            try { text = new String(Base64.getMimeDecoder().decode(s), StandardCharsets.US_ASCII); }
            catch (IllegalArgumentException e) { return List.of(); }
        }
        List<PrivateKey> keys = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) break;
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) break;
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd);
            if (end < 0) break;
            at = end + endMarker.length();
            if (!Set.of("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY").contains(type)) continue;
            byte[] der;
            try { der = Base64.getMimeDecoder().decode(text.substring(typeEnd + 5, end)); }
            catch (IllegalArgumentException e) { continue; }
            PrivateKey k = read(type, der);
            if (k == null) throw new BuiltinError("eval_builtin_error", "crypto.parse_private_keys: failed to parse " + type);
            keys.add(k);
        }
        return keys;
    }

    private static PrivateKey read(String type, byte[] der) {
        try {
            return switch (type) {
                case "RSA PRIVATE KEY" -> rsa(der);
                case "EC PRIVATE KEY" -> ec(der);
                default -> pkcs8(der);
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** PKCS#8: SEQUENCE { version, AlgorithmIdentifier, OCTET STRING key }. */
    private static PrivateKey pkcs8(byte[] der) {
        List<byte[]> top = Der.children(Der.content(der, 0x30));
        List<byte[]> alg = Der.children(Der.content(top.get(1), 0x30));
        String oid = HexFormat.of().formatHex(Der.content(alg.get(0), 0x06));
        byte[] inner = Der.content(top.get(2), 0x04);
        if (oid.equals(RSA_OID)) return rsa(inner);
        if (oid.equals(EC_OID)) return ec(inner);
        return null;
    }

    /** PKCS#1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qinv. */
    private static PrivateKey rsa(byte[] der) {
        List<byte[]> f = Der.children(Der.content(der, 0x30));
        BigInteger[] v = new BigInteger[9];
        for (int i = 0; i < 9; i++) v[i] = new BigInteger(Der.content(f.get(i), 0x02));
        TreeMap<Object, Object> m = Values.newObject();
        m.put("N", exact(v[1]));
        m.put("E", exact(v[2]));
        m.put("D", exact(v[3]));
        m.put("Primes", new ArrayList<>(List.of(exact(v[4]), exact(v[5]))));
        TreeMap<Object, Object> pre = Values.newObject();
        pre.put("Dp", exact(v[6]));
        pre.put("Dq", exact(v[7]));
        pre.put("Qinv", exact(v[8]));
        pre.put("CRTValues", new ArrayList<>());
        m.put("Precomputed", pre);
        return new PrivateKey(m, v[1], null);
    }

    /** SEC1 ECPrivateKey: version, OCTET STRING d, [0] curve, [1] BIT STRING public point (04 || X || Y). */
    private static PrivateKey ec(byte[] der) {
        List<byte[]> f = Der.children(Der.content(der, 0x30));
        BigInteger d = new BigInteger(1, Der.content(f.get(1), 0x04));
        byte[] point = null;
        for (byte[] x : f) if ((x[0] & 0xff) == 0xa1) point = Der.content(Der.content(x, 0xa1), 0x03);
        if (point == null || point.length < 2 || point[1] != 4) return null;
        int width = (point.length - 2) / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 2, 2 + width));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 2 + width, 2 + 2 * width));
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Curve", Values.newObject());
        m.put("D", exact(d));
        m.put("X", exact(x));
        m.put("Y", exact(y));
        return new PrivateKey(m, null, x);
    }

    /**
     * The first private key of a PEM text as a JDK key (for TLS client certificates): PKCS#8 as is, PKCS#1 RSA
     * from its CRT fields, SEC1 EC re-wrapped as PKCS#8 with the curve its [0] field names.
     */
    static java.security.PrivateKey javaPrivateKey(String pem) throws GeneralSecurityException {
        int begin = pem.indexOf("-----BEGIN ");
        int typeEnd = begin < 0 ? -1 : pem.indexOf("-----", begin + 11);
        if (typeEnd < 0) throw new GeneralSecurityException("no PEM private key found");
        String type = pem.substring(begin + 11, typeEnd);
        int end = pem.indexOf("-----END " + type + "-----", typeEnd);
        if (end < 0) throw new GeneralSecurityException("unterminated PEM block " + type);
        byte[] der;
        try { der = Base64.getMimeDecoder().decode(pem.substring(typeEnd + 5, end)); }
        catch (IllegalArgumentException e) { throw new GeneralSecurityException("PEM block " + type + " is not base64"); }
        try {
            return switch (type) {
                case "RSA PRIVATE KEY" -> {
                    List<byte[]> f = Der.children(Der.content(der, 0x30));
                    BigInteger[] v = new BigInteger[9];
                    for (int i = 0; i < 9; i++) v[i] = new BigInteger(Der.content(f.get(i), 0x02));
                    yield java.security.KeyFactory.getInstance("RSA").generatePrivate(
                            new java.security.spec.RSAPrivateCrtKeySpec(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
                }
                case "EC PRIVATE KEY" -> {
                    byte[] curve = null;
                    for (byte[] x : Der.children(Der.content(der, 0x30))) if ((x[0] & 0xff) == 0xa0) curve = Der.content(x, 0xa0);
                    if (curve == null) throw new GeneralSecurityException("EC PRIVATE KEY without its curve");
                    byte[] alg = tlv(0x30, concat(tlv(0x06, HexFormat.of().parseHex(EC_OID)), curve));
                    byte[] pkcs8 = tlv(0x30, concat(new byte[] {2, 1, 0}, alg, tlv(0x04, der)));
                    yield java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
                }
                case "PRIVATE KEY" -> {
                    List<byte[]> alg = Der.children(Der.content(Der.children(Der.content(der, 0x30)).get(1), 0x30));
                    String oid = HexFormat.of().formatHex(Der.content(alg.get(0), 0x06));
                    String algorithm = oid.equals(RSA_OID) ? "RSA" : oid.equals(EC_OID) ? "EC" : null;
                    if (algorithm == null) throw new GeneralSecurityException("unsupported PKCS#8 key algorithm " + oid);
                    yield java.security.KeyFactory.getInstance(algorithm).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
                }
                default -> throw new GeneralSecurityException("PEM block " + type + " is not a private key");
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new GeneralSecurityException("malformed " + type + ": " + e.getMessage());
        }
    }

    private static byte[] tlv(int tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, len, content);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, at, p.length); at += p.length; }
        return out;
    }

    // ------------------------------------------------------------------ key pairs

    private static Object keypair(String certText, String keyText) {
        String fn = "crypto.x509.parse_keypair";
        List<X509Certificate> certs = X509.certificates(fn, pemOrBase64(certText));
        List<PrivateKey> keys = privateKeys(keyText);
        if (keys.isEmpty()) throw new BuiltinError("eval_builtin_error", fn + ": tls: failed to find any PEM data in key input");
        PrivateKey key = keys.get(0);
        var pub = certs.get(0).getPublicKey();
        boolean match = pub instanceof RSAPublicKey r ? r.getModulus().equals(key.rsaModulus)
                : pub instanceof ECPublicKey e && e.getW().getAffineX().equals(key.ecX);
        if (!match) throw new BuiltinError("eval_builtin_error", fn + ": tls: private key does not match public key");
        TreeMap<Object, Object> m = Values.newObject();
        List<Object> ders = new ArrayList<>();
        try {
            for (X509Certificate c : certs) ders.add(Base64.getEncoder().encodeToString(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": " + e.getMessage());
        }
        m.put("Certificate", ders);
        m.put("PrivateKey", key.goJson);
        m.put("Leaf", X509.certificate(certs.get(0)));
        m.put("OCSPStaple", Values.NULL);
        m.put("SignedCertificateTimestamps", Values.NULL);
        m.put("SupportedSignatureAlgorithms", Values.NULL);
        return m;
    }

    /** OPA reads the certificate as PEM, or base64 of PEM. */
    private static String pemOrBase64(String s) {
        if (s.strip().startsWith("-----BEGIN")) return s;
        try { return new String(Base64.getMimeDecoder().decode(s), StandardCharsets.US_ASCII); }
        catch (IllegalArgumentException e) { return s; }
    }

    // ------------------------------------------------------------------ verification with options

    private static Object verifyWithOptions(String fn, List<X509Certificate> certs, Map<Object, Object> options) {
        for (Object k : options.keySet()) {
            if (!Set.of("DNSName", "CurrentTime", "KeyUsages", "MaxConstraintComparisons").contains(k))
                throw new BuiltinError("eval_builtin_error", fn + ": invalid option key " + k);
        }
        List<Object> invalid = new ArrayList<>(List.of(false, new ArrayList<>()));
        if (certs.size() < 2) return invalid;
        X509Certificate leaf = certs.get(certs.size() - 1);
        try {
            List<X509Certificate> path = new ArrayList<>(certs.subList(1, certs.size()));
            java.util.Collections.reverse(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(certs.get(0), null)));
            params.setRevocationEnabled(false);
            if (options.get("CurrentTime") instanceof Number n) {
                params.setDate(new Date(Values.big(n).toBigInteger().divide(BigInteger.valueOf(1_000_000)).longValueExact()));
            }
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            return invalid;
        }
        if (options.get("DNSName") instanceof String name && !name.isEmpty() && !matchesName(leaf, name)) return invalid;
        if (options.get("KeyUsages") instanceof List<?> usages && !usages.isEmpty() && !hasUsage(fn, leaf, usages)) return invalid;
        List<Object> parsed = new ArrayList<>();
        for (int i = certs.size() - 1; i >= 0; i--) parsed.add(X509.certificate(certs.get(i)));
        return new ArrayList<>(List.of(true, parsed));
    }

    /** Go's VerifyHostname over DNS SANs: exact, or one leading wildcard label. */
    private static boolean matchesName(X509Certificate c, String name) {
        String want = name.toLowerCase(Locale.ROOT);
        try {
            if (c.getSubjectAlternativeNames() == null) return false;
            for (List<?> san : c.getSubjectAlternativeNames()) {
                String v = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
                if ((Integer) san.get(0) == 7 && v.equals(want)) return true;
                if ((Integer) san.get(0) != 2) continue;
                if (v.equals(want)) return true;
                if (v.startsWith("*.") && want.indexOf('.') > 0 && want.substring(want.indexOf('.')).equals(v.substring(1))) return true;
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        return false;
    }

    /** A leaf without an extended key usage extension may be used for anything, as in Go. */
    private static boolean hasUsage(String fn, X509Certificate leaf, List<?> usages) {
        List<String> has;
        try { has = leaf.getExtendedKeyUsage(); } catch (GeneralSecurityException e) { return false; }
        if (has == null || has.contains("2.5.29.37.0")) return true;
        for (Object u : usages) {
            String oid = u instanceof String s ? EXT_KEY_USAGES.get(s) : null;
            if (oid == null) throw new BuiltinError("eval_builtin_error", fn + ": invalid entry for KeyUsages: " + Values.toJsonText(u));
            if (oid.equals("2.5.29.37.0") || has.contains(oid)) return true;
        }
        return false;
    }

    /** Just enough DER to walk keys: a TLV's content and a constructed value's children. */
    static final class Der {
        private Der() {}

        static byte[] content(byte[] tlv, int tag) {
            if ((tlv[0] & 0xff) != tag) throw new IllegalArgumentException("DER: expected tag " + tag + " got " + (tlv[0] & 0xff));
            int[] pos = {1};
            int len = length(tlv, pos);
            return Arrays.copyOfRange(tlv, pos[0], pos[0] + len);
        }

        static List<byte[]> children(byte[] content) {
            List<byte[]> out = new ArrayList<>();
            int at = 0;
            while (at < content.length) {
                int[] pos = {at + 1};
                int len = length(content, pos);
                out.add(Arrays.copyOfRange(content, at, pos[0] + len));
                at = pos[0] + len;
            }
            return out;
        }

        private static int length(byte[] der, int[] pos) {
            int b = der[pos[0]++] & 0xff;
            if (b < 0x80) return b;
            int n = b & 0x7f, len = 0;
            if (n == 0 || n > 4) throw new IllegalArgumentException("DER: bad length");
            for (int i = 0; i < n; i++) len = len << 8 | (der[pos[0]++] & 0xff);
            if (len < 0 || pos[0] + len > der.length) throw new IllegalArgumentException("DER: length past the end");
            return len;
        }
    }
}
