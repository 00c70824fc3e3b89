package io.hoist.api.validation;

/**
 * Optional ability of a {@link io.hoist.api.provider.SourceProviderFactory}: the default validation rules for
 * its Provider type, as MTV ships one Rego package per provider ({@code io.konveyor.forklift.<package>}). The
 * platform compiles them, merges users' custom rules into them (DATA/rules, the forklift-validation-config
 * ConfigMap, OPA bundles) and validates every VM of the type with them, exactly as for a built-in provider.
 */
public interface ShipsValidationRules {
    ValidationRules validationRules();
}
