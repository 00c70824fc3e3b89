package io.hoist.core.model.admission;

import io.hoist.core.model.resource.Provider;

import java.util.List;

/**
 * The type-specific checks of a Provider's spec. Core admission knows no provider type: the platform answers with
 * the checks of the plugin that serves {@code spec.type} (plugin API {@code ChecksProviderSpec}); without plugins
 * (the API server alone, model tests) there are none.
 */
@FunctionalInterface
public interface ProviderSpecChecks {
    /** No type-specific checks. */
    ProviderSpecChecks NONE = provider -> List.of();

    /** The problems of this Provider's spec ({@code spec} is never null, {@code spec.type} never blank). */
    List<Cause> check(Provider provider);
}
