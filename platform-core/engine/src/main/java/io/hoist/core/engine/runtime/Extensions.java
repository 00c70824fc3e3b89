package io.hoist.core.engine.runtime;

import io.hoist.api.convert.GuestConverter;
import io.hoist.api.hook.HookRunner;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.SourceProviderFactory;
import java.util.List;

/**
 * The extensions the engine can use, whatever loaded them (PF4J in the server, plain instances in
 * tests and benches). The engine knows no provider by name: it asks each factory whether it accepts.
 */
public interface Extensions {
    List<SourceProviderFactory> sourceFactories();

    List<DestinationProviderFactory> destinationFactories();

    List<HookRunner> hookRunners();

    List<GuestConverter> guestConverters();

    /**
     * Runs a call into a plugin with that plugin's class loader as context loader; failures come
     * back as {@link io.hoist.api.HoistException}. The default runs it as is.
     */
    default <T> T call(Object extension, PluginCall<T> call) throws Exception {
        return call.call();
    }

    @FunctionalInterface
    interface PluginCall<T> {
        T call() throws Exception;
    }

    /** A fixed set of extensions, for tests, benches and embedding. */
    static Extensions of(List<SourceProviderFactory> sources, List<DestinationProviderFactory> destinations,
                         List<HookRunner> hooks, List<GuestConverter> converters) {
        return new Extensions() {
            @Override
            public List<SourceProviderFactory> sourceFactories() { return sources; }

            @Override
            public List<DestinationProviderFactory> destinationFactories() { return destinations; }

            @Override
            public List<HookRunner> hookRunners() { return hooks; }

            @Override
            public List<GuestConverter> guestConverters() { return converters; }
        };
    }
}
