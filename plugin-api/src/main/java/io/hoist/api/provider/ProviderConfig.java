package io.hoist.api.provider;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Provider resource as a plugin sees it: the spec plus the referenced Secret's data, decoded.
 * {@link #toString()} never prints secret values.
 *
 * @param uid       the Provider's metadata.uid; inventory routes use it
 * @param namespace the Provider's namespace
 * @param name      the Provider's name
 * @param type      spec.type (vsphere, ovirt, openstack, ova, openshift, ...)
 * @param url       spec.url, may be empty
 * @param settings  spec.settings
 * @param secret    the referenced Secret's data (decoded), empty when none
 * @param hosts     the Host resources that reference this provider (migration-network addresses and
 *                  credentials of its hosts), empty when none
 */
public record ProviderConfig(String uid, String namespace, String name, String type, String url,
                             Map<String, String> settings, Map<String, String> secret, List<HostConfig> hosts) {
    public ProviderConfig {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        secret = secret == null ? Map.of() : Map.copyOf(secret);
        url = url == null ? "" : url;
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** A provider without Host resources. */
    public ProviderConfig(String uid, String namespace, String name, String type, String url,
                          Map<String, String> settings, Map<String, String> secret) {
        this(uid, namespace, name, type, url, settings, secret, List.of());
    }

    /** The same provider with these Host resources. */
    public ProviderConfig withHosts(List<HostConfig> hosts) {
        return new ProviderConfig(uid, namespace, name, type, url, settings, secret, hosts);
    }

    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }

    public String secretValue(String key) {
        return secret.get(key);
    }

    /** True when the secret asks to skip TLS verification; the only way it is ever turned off. */
    public boolean insecureSkipVerify() {
        return Boolean.parseBoolean(secret.getOrDefault("insecureSkipVerify", "false"));
    }

    /** PEM CA bundle from the secret ({@code cacert} or {@code ca.crt}), or null. */
    public String caCertPem() {
        String v = secret.get("cacert");
        return v != null && !v.isBlank() ? v : secret.get("ca.crt");
    }

    @Override
    public String toString() {
        Set<String> keys = secret.keySet();
        return "ProviderConfig[" + namespace + "/" + name + " type=" + type + " url=" + url
                + " settings=" + settings + " secretKeys=" + keys + (hosts.isEmpty() ? "" : " hosts=" + hosts) + "]";
    }
}
