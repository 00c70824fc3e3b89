package io.hoist.core.server.plugins;

import io.hoist.api.provider.ChecksProviderSpec;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.core.model.admission.Cause;
import io.hoist.core.model.admission.ProviderSpecChecks;
import io.hoist.core.model.resource.Provider;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission's type-specific Provider checks, answered by the loaded plugins: every factory serving the Provider's
 * {@code spec.type} that has the {@link ChecksProviderSpec} ability judges the spec, and its answers become the
 * 422's causes. A plugin whose check fails is logged and skipped rather than blocking every write of that type:
 * its {@code validate} still reports the Provider's problems as conditions.
 */
public final class PluginProviderChecks implements ProviderSpecChecks {
    private static final Logger LOG = LoggerFactory.getLogger(PluginProviderChecks.class);

    private final Supplier<? extends List<?>> factories;

    /** {@code factories}: the loaded provider factories, read at each check (plugins load after the API is built). */
    public PluginProviderChecks(Supplier<? extends List<?>> factories) {
        this.factories = factories;
    }

    @Override
    public List<Cause> check(Provider provider) {
        Provider.Spec s = provider.spec;
        ProviderSpec spec = new ProviderSpec(s.type, s.url, s.settings, s.secret == null ? null : s.secret.name);
        // a plugin with a source and a destination factory answers twice: one cause each
        Set<Cause> out = new LinkedHashSet<>();
        for (Object factory : factories.get()) {
            if (!(factory instanceof ChecksProviderSpec checks)) {
                continue;
            }
            try {
                if (spec.type().equals(checks.type())) {
                    for (FieldError e : checks.checkSpec(spec)) {
                        out.add(cause(e));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("the Provider checks of {} failed, so a {} Provider was admitted without them: {}",
                        factory, spec.type(), e.getMessage());
            }
        }
        return new ArrayList<>(out);
    }

    private static Cause cause(FieldError e) {
        String field = e.field() == null || e.field().isBlank() ? "spec" : e.field();
        String message = e.message() == null ? "" : e.message();
        return switch (e.reason() == null ? FieldError.Reason.INVALID : e.reason()) {
            case REQUIRED -> Cause.required(field, message);
            case INVALID -> Cause.invalid(field, message);
            case NOT_SUPPORTED -> Cause.notSupported(field, message);
            case FORBIDDEN -> Cause.forbidden(field, message);
        };
    }
}
