package io.hoist.api.transfer;

/**
 * TLS for one provider's connections. Verification is on unless {@code insecureSkipVerify} is set
 * explicitly; a CA or an SHA-1/SHA-256 thumbprint narrows trust to that provider only.
 */
public record TlsSettings(String caCertPem, String thumbprint, boolean insecureSkipVerify) {
    public static final TlsSettings DEFAULT = new TlsSettings(null, null, false);
}
