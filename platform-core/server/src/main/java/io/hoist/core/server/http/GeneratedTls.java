package io.hoist.core.server.http;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS material {@code hoist serve} uses when the user brings none: a CA and a server certificate it signs, made
 * once in {@code DATA/tls/} ({@code ca.crt}, {@code ca.key}, {@code tls.crt}, {@code tls.key}; keys 0600) and reused
 * on every start. The server certificate names localhost, 127.0.0.1, ::1, the host's name and every extra name asked
 * for; it is signed again (same CA, so kubeconfigs and CLIs that trust {@code ca.crt} keep working) when a name is
 * missing or it expires within {@link #RENEW_BEFORE}. ECDSA P-256 keys, SHA-256 signatures.
 */
public final class GeneratedTls {
    public static final String DIR = "tls";
    public static final String CA_CERT = "ca.crt";
    static final String CA_KEY = "ca.key";
    public static final String CERT = "tls.crt";
    public static final String KEY = "tls.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration CERT_VALIDITY = Duration.ofDays(825); // the longest validity clients accept for a leaf
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the files are, and whether this start made or renewed any (to say so). */
    public record Material(Path caCert, Path cert, Path key, boolean createdCa, boolean signedCert) {}

    private GeneratedTls() {}

    /** The names every generated server certificate carries, plus {@code extraNames}, duplicates removed. */
    public static Set<String> subjectAltNames(List<String> extraNames) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank()) {
                names.add(host.toLowerCase(Locale.ROOT));
            }
        } catch (IOException unknownHost) {
            // a host without a resolvable name: localhost and the loopback addresses still work
        }
        for (String n : extraNames) {
            if (n == null || n.isBlank()) {
                continue;
            }
            String name = n.strip();
            if (!isIpLiteral(name) && !name.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("--tls-san " + name + ": not a DNS name or an IP address");
            }
            names.add(isIpLiteral(name) ? name : name.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Makes (first start) or reuses the CA and server certificate under {@code dataDir/tls}. */
    public static Material ensure(Path dataDir, Set<String> names) throws IOException {
        Path dir = dataDir.resolve(DIR);
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path caCert = dir.resolve(CA_CERT);
        Path caKey = dir.resolve(CA_KEY);
        Path cert = dir.resolve(CERT);
        Path key = dir.resolve(KEY);
        try {
            boolean createdCa = false;
            X509Certificate ca;
            PrivateKey caPrivate;
            if (Files.exists(caCert) && Files.exists(caKey)) {
                ca = readCertificate(caCert);
                caPrivate = readKey(caKey);
            } else if (Files.exists(caCert) || Files.exists(caKey)) {
                throw new IllegalStateException(dir + " has only one of " + CA_CERT + " and " + CA_KEY
                        + ": restore the other, or remove both to make a new CA (clients then need the new " + CA_CERT + ")");
            } else {
                KeyPair pair = newKeyPair();
                ca = selfSignedCa(pair);
                caPrivate = pair.getPrivate();
                writeAtomically(caKey, pem(pair.getPrivate()), true);
                writeAtomically(caCert, pem(ca), false);
                createdCa = true;
            }
            boolean signed = false;
            if (createdCa || !Files.exists(cert) || !Files.exists(key) || !usable(readCertificate(cert), ca, names)) {
                KeyPair pair = newKeyPair();
                X509Certificate leaf = serverCertificate(pair, ca, caPrivate, names);
                writeAtomically(key, pem(pair.getPrivate()), true);
                writeAtomically(cert, pem(leaf), false);
                signed = true;
            }
            return new Material(caCert, cert, key, createdCa, signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the TLS certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Signed by this CA, valid beyond the renewal margin, naming every name asked for. */
    static boolean usable(X509Certificate leaf, X509Certificate ca, Set<String> names) {
        try {
            leaf.verify(ca.getPublicKey());
            if (leaf.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return false;
            }
            return names(leaf).containsAll(normalized(names));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS names and IP addresses (normalized) a certificate carries. */
    static Set<String> names(X509Certificate cert) throws CertificateParsingException {
        Set<String> out = new LinkedHashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                String value = String.valueOf(san.get(1));
                out.add(((Integer) san.get(0)) == GeneralName.iPAddress ? normalizeIp(value) : value.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static Set<String> normalized(Set<String> names) {
        Set<String> out = new LinkedHashSet<>();
        names.forEach(n -> out.add(isIpLiteral(n) ? normalizeIp(n) : n));
        return out;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate selfSignedCa(KeyPair pair) throws GeneralSecurityException, IOException {
        X500Name subject = new X500Name("CN=hoist-ca-" + java.util.HexFormat.of().formatHex(randomBytes(4)) + ",O=Hoist");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(b, pair.getPrivate());
    }

    private static X509Certificate serverCertificate(KeyPair pair, X509Certificate ca, PrivateKey caKey, Set<String> names)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        Date notAfter = Date.from(now.plus(CERT_VALIDITY));
        if (notAfter.after(ca.getNotAfter())) {
            notAfter = ca.getNotAfter();
        }
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofHours(1))),
                notAfter, new X500Name("CN=hoist"), pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        List<GeneralName> alt = new ArrayList<>();
        for (String n : names) {
            alt.add(new GeneralName(isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        return sign(b, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException, IOException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static boolean isIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static String normalizeIp(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (IOException e) {
            return ip;
        }
    }

    static X509Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path pem) throws IOException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(pem)))) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return c.getKeyPair(pair).getPrivate();
            }
            if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                return c.getPrivateKey(info);
            }
            throw new IOException(pem + " holds no private key");
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            // PKCS#8 for keys ("BEGIN PRIVATE KEY"), which Vert.x, Go and OpenSSL all read
            p.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        }
        return w.toString();
    }

    /** Temp file in the same dir (0600 for keys, 0644 for certificates), then an atomic rename: never half-written. */
    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
