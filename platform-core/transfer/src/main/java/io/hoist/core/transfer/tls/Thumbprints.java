package io.hoist.core.transfer.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** Certificate thumbprints as providers print them: SHA-1 (vCenter) or SHA-256 hex, colons and case ignored. */
public final class Thumbprints {
    private Thumbprints() {}

    /** Normalises a thumbprint to lower-case hex; fails with a clear message if it is neither SHA-1 nor SHA-256. */
    public static String normalize(String thumbprint) {
        String hex = thumbprint.replace(":", "").replace(" ", "").trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]+") || (hex.length() != 40 && hex.length() != 64)) {
            throw new IllegalArgumentException("thumbprint must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) "
                    + "fingerprint, optionally with colons; got " + hex.length() + " characters");
        }
        return hex;
    }

    /** The certificate's fingerprint with the algorithm the (normalised) thumbprint's length implies. */
    public static String of(X509Certificate cert, int hexLength) throws CertificateEncodingException {
        String algorithm = hexLength == 40 ? "SHA-1" : "SHA-256";
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from this JDK", e);
        }
    }
}
