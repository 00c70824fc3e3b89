package io.hoist.api.provider;

/**
 * A setting or secret key a provider understands, described by the provider (as Keycloak's ProviderConfigProperty
 * does). Documentation only for now: the platform neither validates nor masks by it (Secret values are always
 * redacted); the provider's own {@code validate} and {@code checkSpec} check them.
 */
public record ConfigProperty(String name, Where where, boolean required, boolean secret, String help) {
    /** Where the value lives on the Provider. */
    public enum Where { SETTINGS, SECRET }
}
