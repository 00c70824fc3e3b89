package io.hoist.api.provider;

import java.util.Map;

/**
 * A Provider's spec as written by the user, before it is stored: what {@link ChecksProviderSpec} may judge.
 * It carries the Secret's name, never its data (the Secret may not exist yet).
 *
 * @param type       spec.type
 * @param url        spec.url, empty when unset (never null)
 * @param settings   spec.settings, empty when unset
 * @param secretName spec.secret.name, empty when unset (never null)
 */
public record ProviderSpec(String type, String url, Map<String, String> settings, String secretName) {
    public ProviderSpec {
        url = url == null ? "" : url;
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        secretName = secretName == null ? "" : secretName;
    }
}
