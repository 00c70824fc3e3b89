package io.hoist.api.provider;

import io.hoist.api.host.HostContext;
import io.hoist.api.source.SourceProvider;

/** Extension point: makes a provider type a migration source. */
public interface SourceProviderFactory extends ProviderFactory {
    /**
     * Whether this factory serves this Provider as a source. Most factories answer by type alone;
     * {@code openshift} is a source only when it has a URL.
     */
    default boolean acceptsSource(ProviderConfig config) {
        return type().equals(config.type());
    }

    /** Creates a long-lived source; the host closes it when the Provider is deleted or changed. */
    SourceProvider create(ProviderConfig config, HostContext context);
}
