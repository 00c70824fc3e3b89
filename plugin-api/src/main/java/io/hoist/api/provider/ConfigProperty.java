package io.hoist.api.provider;

/**
 * A setting or secret key a provider understands, described by the provider so one generic
 * validator and API serve every provider (Keycloak's ProviderConfigProperty, Trino's secret names).
 */
public record ConfigProperty(String name, Where where, boolean required, boolean secret, String help) {
    /** Where the value lives on the Provider. */
    public enum Where { SETTINGS, SECRET }
}
