package io.hoist.api.provider;

import io.hoist.api.destination.Destination;
import io.hoist.api.host.HostContext;

/** Extension point: makes a provider a migration destination. */
public interface DestinationProviderFactory extends ProviderFactory {
    /** Whether this factory serves this Provider as a destination (e.g. by type and URL scheme). */
    boolean acceptsDestination(ProviderConfig config);

    Destination create(ProviderConfig config, HostContext context);
}
