package io.hoist.plugin.support;

import static io.hoist.plugin.support.ConfigValues.blank;

import io.hoist.api.provider.ProviderConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

/** The Secret keys every TLS provider shares with MTV: {@code insecureSkipVerify} and {@code cacert} / {@code ca.crt}. */
public final class TlsSecretChecks {
    private TlsSecretChecks() {}

    /** What is wrong with the Secret's TLS keys, one phrase a problem ("key '...' ..."); empty when nothing is. */
    public static List<String> problems(ProviderConfig c) {
        List<String> out = new ArrayList<>();
        String insecure = c.secret().get("insecureSkipVerify");
        if (insecure != null && !insecure.equalsIgnoreCase("true") && !insecure.equalsIgnoreCase("false")) {
            out.add("key 'insecureSkipVerify' must be true or false");
        }
        String pem = c.caCertPem();
        if (!blank(pem) && !isPemCertificates(pem)) {
            // caCertPem() falls back to ca.crt when cacert is blank: name the key the bundle came from
            out.add("key '" + (blank(c.secretValue("cacert")) ? "ca.crt" : "cacert") + "' is not a PEM certificate bundle");
        }
        return out;
    }

    /** True when the text holds at least one X.509 certificate the JDK can parse. */
    public static boolean isPemCertificates(String pem) {
        try {
            return !CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        } catch (CertificateException e) {
            return false;
        }
    }
}
