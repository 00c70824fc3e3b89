package io.hoist.api.destination;

/**
 * How to reach a Kubernetes API server as the destination provider does.
 *
 * @param caCertPem          PEM CA bundle to trust, or null for the system's
 * @param insecureSkipVerify the provider turned TLS verification off
 */
public record ClusterAccess(String server, String token, String caCertPem, boolean insecureSkipVerify) {
    /** Never prints the token. */
    @Override
    public String toString() {
        return "ClusterAccess[server=" + server + ", token=" + (token == null ? "none" : "***") + ", insecureSkipVerify="
                + insecureSkipVerify + "]";
    }
}
