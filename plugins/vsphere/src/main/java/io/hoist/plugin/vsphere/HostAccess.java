package io.hoist.plugin.vsphere;

import io.hoist.api.transfer.TlsSettings;
import java.net.URI;
import java.util.Map;

/**
 * How to reach one ESXi host directly, from a Host resource: its address on the migration network
 * ({@code 10.0.0.5}, {@code [fd00::5]} or, e.g. for a non-standard port, {@code 10.0.0.5:8443}) and,
 * when the Host has a Secret, that host's own credentials and TLS settings. {@link #toString()}
 * never prints the password.
 */
public record HostAccess(String address, String user, String password, TlsSettings tls) {
    /** From a Host resource's ipAddress and its Secret's data (null or empty when it has none). */
    public static HostAccess of(String address, Map<String, String> secret) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("Host ipAddress is empty");
        }
        String a = address.trim();
        if (a.chars().filter(ch -> ch == ':').count() > 1 && !a.startsWith("[")) {
            a = "[" + a + "]"; // a bare IPv6 address
        }
        URI.create("https://" + a + "/sdk"); // rejects addresses that cannot be a URL authority
        if (secret == null || secret.isEmpty()) {
            return new HostAccess(a, null, null, null);
        }
        String ca = secret.get("cacert") != null && !secret.get("cacert").isBlank() ? secret.get("cacert")
                : secret.get("ca.crt");
        String tp = secret.get("thumbprint");
        return new HostAccess(a, secret.get("user"), secret.get("password"),
                new TlsSettings(ca == null || ca.isBlank() ? null : ca, tp == null || tp.isBlank() ? null : tp,
                        Boolean.parseBoolean(secret.getOrDefault("insecureSkipVerify", "false"))));
    }

    public boolean hasCredentials() {
        return user != null && !user.isBlank() && password != null && !password.isBlank();
    }

    /** {@code https://<address>}, the base of the host's SDK and datastore file API. */
    public URI baseUrl() {
        return URI.create("https://" + address);
    }

    /** The host name or IP without a port (what VDDK's {@code server=} takes). */
    public String host() {
        return baseUrl().getHost();
    }

    /** The host's TLS settings, pinning {@code inventoryThumbprint} when its Secret sets no trust of its own. */
    public TlsSettings tlsOr(String inventoryThumbprint, TlsSettings providerTls) {
        if (tls != null && (tls.caCertPem() != null || tls.thumbprint() != null || tls.insecureSkipVerify())) {
            return tls;
        }
        if (inventoryThumbprint != null && !inventoryThumbprint.isBlank()) {
            return new TlsSettings(null, inventoryThumbprint, false);
        }
        return providerTls;
    }

    @Override
    public String toString() {
        return "HostAccess[" + address + (user == null ? "" : " user=" + user) + "]";
    }
}
