package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * crypto.x509.parse_certificates, parse_and_verify_certificates and parse_rsa_private_key. Certificates come back
 * as the fields of Go's x509.Certificate that policies read (Subject/Issuer as pkix.Name, validity, SANs, CA and
 * key usage, serial, algorithms); the raw DER and extensions are left out.
 */
final class X509 {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private X509() {}

    static void register() {
        define("crypto.x509.parse_certificates", 1, a -> {
            List<Object> out = new ArrayList<>();
            for (X509Certificate c : certificates("crypto.x509.parse_certificates", str("crypto.x509.parse_certificates", a, 0))) out.add(certificate(c));
            return out;
        });
        define("crypto.x509.parse_and_verify_certificates", 1, a -> {
            String fn = "crypto.x509.parse_and_verify_certificates";
            List<X509Certificate> certs = certificates(fn, str(fn, a, 0));
            List<Object> invalid = new ArrayList<>(List.of(false, new ArrayList<>()));
            // OPA: the first certificate is the root, the last the leaf, the others intermediates
            if (certs.size() < 2) return invalid;
            try {
                List<X509Certificate> path = new ArrayList<>(certs.subList(1, certs.size()));
                java.util.Collections.reverse(path);
                PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(certs.get(0), null)));
                params.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            } catch (GeneralSecurityException e) {
                return invalid;
            }
            // the verified chain, leaf first (Go's Verify order, which OPA returns)
            List<Object> parsed = new ArrayList<>();
            for (int i = certs.size() - 1; i >= 0; i--) parsed.add(certificate(certs.get(i)));
            return new ArrayList<>(List.of(true, parsed));
        });
        define("crypto.x509.parse_certificate_request", 1, a -> certificateRequest(str("crypto.x509.parse_certificate_request", a, 0)));
        define("crypto.x509.parse_rsa_private_key", 1, a -> rsaPrivateKey(str("crypto.x509.parse_rsa_private_key", a, 0)));
    }

    /** PEM text, base64 of PEM, or base64 of one or more DER certificates. */
    static List<X509Certificate> certificates(String fn, String s) {
        byte[] bytes;
        if (s.strip().startsWith("-----BEGIN")) bytes = s.getBytes(StandardCharsets.US_ASCII);
        else {
            try { bytes = Base64.getDecoder().decode(s.strip()); }
            catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": illegal base64 data"); }
        }
        try {
            Collection<? extends java.security.cert.Certificate> cs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
            if (cs.isEmpty()) throw new BuiltinError("eval_builtin_error", fn + ": x509: malformed certificate");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cs) out.add((X509Certificate) c);
            return out;
        } catch (GeneralSecurityException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": x509: malformed certificate");
        }
    }

    static Object certificate(X509Certificate c) {
        TreeMap<Object, Object> m = Values.newObject();
        m.put("Version", d(c.getVersion()));
        m.put("SerialNumber", exact(c.getSerialNumber()));
        m.put("Subject", name(c.getSubjectX500Principal()));
        m.put("Issuer", name(c.getIssuerX500Principal()));
        m.put("NotBefore", RFC3339.format(c.getNotBefore().toInstant().atOffset(ZoneOffset.UTC)));
        m.put("NotAfter", RFC3339.format(c.getNotAfter().toInstant().atOffset(ZoneOffset.UTC)));
        m.put("IsCA", c.getBasicConstraints() >= 0);
        m.put("BasicConstraintsValid", c.getBasicConstraints() >= 0 || c.getExtensionValue("2.5.29.19") != null);
        m.put("MaxPathLen", d(c.getBasicConstraints() == Integer.MAX_VALUE ? -1 : c.getBasicConstraints()));
        boolean[] ku = c.getKeyUsage();
        long usage = 0;
        // Go's KeyUsage bits are in the same order as the extension's bit string
        if (ku != null) for (int i = 0; i < ku.length; i++) if (ku[i]) usage |= 1L << i;
        m.put("KeyUsage", d(usage));
        m.put("SignatureAlgorithmName", c.getSigAlgName());
        m.put("PublicKeyAlgorithm", d(switch (c.getPublicKey().getAlgorithm()) { case "RSA" -> 1; case "DSA" -> 2; case "EC" -> 3; case "Ed25519", "EdDSA" -> 4; default -> 0; }));
        List<Object> dns = new ArrayList<>(), emails = new ArrayList<>(), ips = new ArrayList<>(), uris = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String v = String.valueOf(san.get(1));
                switch (type) {
                    case 1 -> emails.add(v);
                    case 2 -> dns.add(v);
                    case 6 -> uris.add(v);
                    case 7 -> ips.add(v);
                    default -> { }
                }
            }
        } catch (GeneralSecurityException e) {
            // no readable SAN extension: the lists stay empty
        }
        m.put("DNSNames", dns.isEmpty() ? Values.NULL : dns);
        m.put("EmailAddresses", emails.isEmpty() ? Values.NULL : emails);
        m.put("IPAddresses", ips.isEmpty() ? Values.NULL : ips);
        m.put("URIStrings", uris.isEmpty() ? Values.NULL : uris);
        try {
            List<String> eku = c.getExtendedKeyUsage();
            m.put("ExtKeyUsageOIDs", eku == null ? Values.NULL : new ArrayList<Object>(eku));
        } catch (GeneralSecurityException e) {
            m.put("ExtKeyUsageOIDs", Values.NULL);
        }
        return m;
    }

    /** Go's pkix.Name: multi-valued attributes as lists (null when absent), CommonName and SerialNumber as strings. */
    private static Object name(X500Principal p) {
        TreeMap<Object, Object> m = Values.newObject();
        for (String k : List.of("Country", "Organization", "OrganizationalUnit", "Locality", "Province", "StreetAddress", "PostalCode")) m.put(k, Values.NULL);
        m.put("CommonName", "");
        m.put("SerialNumber", "");
        List<Object> names = new ArrayList<>();
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(p.getName(X500Principal.RFC2253, Map.of("2.5.4.5", "SERIALNUMBER", "2.5.4.9", "STREET", "2.5.4.17", "POSTALCODE"))).getRdns());
            for (Rdn r : rdns) {
                String type = r.getType().toUpperCase(java.util.Locale.ROOT), value = String.valueOf(r.getValue());
                String field = switch (type) {
                    case "C" -> "Country";
                    case "O" -> "Organization";
                    case "OU" -> "OrganizationalUnit";
                    case "L" -> "Locality";
                    case "ST" -> "Province";
                    case "STREET" -> "StreetAddress";
                    case "POSTALCODE" -> "PostalCode";
                    case "CN" -> { m.put("CommonName", value); yield null; }
                    case "SERIALNUMBER" -> { m.put("SerialNumber", value); yield null; }
                    default -> null;
                };
                if (field != null) {
                    Object cur = m.get(field);
                    @SuppressWarnings("unchecked") List<Object> l = cur instanceof List<?> x ? (List<Object>) x : new ArrayList<>();
                    l.add(value);
                    m.put(field, l);
                }
                TreeMap<Object, Object> atv = Values.newObject();
                atv.put("Type", type);
                atv.put("Value", value);
                names.add(atv);
            }
        } catch (InvalidNameException e) {
            // an unparsable name keeps the empty fields
        }
        m.put("Names", names);
        return m;
    }

    /**
     * A PKCS#10 request (PEM, or base64 of PEM or DER): its Subject as pkix.Name and its version. The JDK has no
     * public CSR parser, but the subject is a DER Name that X500Principal reads.
     */
    private static Object certificateRequest(String s) {
        String fn = "crypto.x509.parse_certificate_request";
        byte[] der;
        String t = s.strip();
        try {
            if (!t.startsWith("-----BEGIN")) {
                byte[] raw = Base64.getDecoder().decode(t);
                String text = new String(raw, StandardCharsets.US_ASCII).strip();
                if (!text.startsWith("-----BEGIN")) der = raw;
                else t = text;
            }
        } catch (IllegalArgumentException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": illegal base64 data");
        }
        if (t.startsWith("-----BEGIN")) {
            int end = t.indexOf("-----END");
            if (!t.startsWith("-----BEGIN CERTIFICATE REQUEST-----") || end < 0) throw new BuiltinError("eval_builtin_error", fn + ": invalid PEM-encoded certificate signing request");
            try { der = Base64.getDecoder().decode(t.substring("-----BEGIN CERTIFICATE REQUEST-----".length(), end).replaceAll("\\s", "")); }
            catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": illegal base64 data"); }
        } else {
            der = Base64.getDecoder().decode(t);
        }
        try {
            // CertificationRequest { CertificationRequestInfo { version, subject Name, ... }, ... }
            int[] pos = {0};
            expect(der, pos, 0x30);
            length(der, pos);
            expect(der, pos, 0x30);
            length(der, pos);
            expect(der, pos, 0x02);
            int vlen = length(der, pos);
            int version = new BigInteger(java.util.Arrays.copyOfRange(der, pos[0], pos[0] + vlen)).intValue();
            pos[0] += vlen;
            int start = pos[0];
            expect(der, pos, 0x30);
            int nlen = length(der, pos);
            X500Principal subject = new X500Principal(java.util.Arrays.copyOfRange(der, start, pos[0] + nlen));
            TreeMap<Object, Object> m = Values.newObject();
            m.put("Version", d(version));
            m.put("Subject", name(subject));
            return m;
        } catch (RuntimeException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": asn1: structure error");
        }
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]++] & 0xff) != tag) throw new IllegalArgumentException("unexpected tag");
    }

    /** A PKCS#1 RSA private key (PEM, or base64 of PEM) as a JWK, as OPA returns it. */
    private static Object rsaPrivateKey(String s) {
        String fn = "crypto.x509.parse_rsa_private_key";
        String pem = s.strip();
        if (!pem.startsWith("-----BEGIN")) {
            try { pem = new String(Base64.getDecoder().decode(pem), StandardCharsets.US_ASCII).strip(); }
            catch (IllegalArgumentException e) { throw new BuiltinError("eval_builtin_error", fn + ": illegal base64 data"); }
        }
        if (!pem.startsWith("-----BEGIN RSA PRIVATE KEY-----") || pem.indexOf("-----END") < 0) {
            throw new BuiltinError("eval_builtin_error", fn + ": failed to parse PEM block containing the key");
        }
        String body = pem.substring("-----BEGIN RSA PRIVATE KEY-----".length(), pem.indexOf("-----END")).replaceAll("\\s", "");
        List<BigInteger> ints;
        try { ints = derIntegers(Base64.getDecoder().decode(body)); }
        catch (RuntimeException e) { throw new BuiltinError("eval_builtin_error", fn + ": malformed PKCS#1 key"); }
        if (ints.size() < 9) throw new BuiltinError("eval_builtin_error", fn + ": malformed PKCS#1 key");
        TreeMap<Object, Object> jwk = Values.newObject();
        jwk.put("kty", "RSA");
        String[] names = {"version", "n", "e", "d", "p", "q", "dp", "dq", "qi"};
        for (int i = 1; i < names.length; i++) jwk.put(names[i], Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned(ints.get(i))));
        return jwk;
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    /** The INTEGERs of a DER SEQUENCE (PKCS#1 RSAPrivateKey is nothing else). */
    private static List<BigInteger> derIntegers(byte[] der) {
        int[] pos = {0};
        if ((der[pos[0]++] & 0xff) != 0x30) throw new IllegalArgumentException("not a sequence");
        int end = length(der, pos) + pos[0];
        List<BigInteger> out = new ArrayList<>();
        while (pos[0] < end) {
            if ((der[pos[0]++] & 0xff) != 0x02) throw new IllegalArgumentException("not an integer");
            int len = length(der, pos);
            out.add(new BigInteger(java.util.Arrays.copyOfRange(der, pos[0], pos[0] + len)));
            pos[0] += len;
        }
        return out;
    }

    private static int length(byte[] der, int[] pos) {
        int b = der[pos[0]++] & 0xff;
        if (b < 0x80) return b;
        int n = b & 0x7f, len = 0;
        for (int i = 0; i < n; i++) len = len << 8 | (der[pos[0]++] & 0xff);
        return len;
    }
}
