package io.hoist.api.provider;

import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import java.util.List;
import org.pf4j.ExtensionPoint;

/** What every provider factory says about itself. */
public interface ProviderFactory extends ExtensionPoint {
    /** The Provider {@code spec.type} this factory serves, e.g. {@code vsphere}. */
    String type();

    /**
     * Settings and secret keys it understands, for its users and tools to read. The platform does not act on this
     * list: Secret values are redacted in every API answer, log and archive whatever a plugin declares here.
     */
    default List<ConfigProperty> configProperties() {
        return List.of();
    }

    /**
     * Cheap static checks of a Provider with its Secret's data (URL form, required secret keys) before connecting.
     * Returns conditions such as UrlNotValid or SecretNotValid; empty when fine. Checks of the spec alone that should
     * refuse the write itself belong to the optional {@link ChecksProviderSpec}.
     */
    default List<Condition> validate(ProviderConfig config) {
        return List.of();
    }

    /** Unused by the host; lets a factory name the host services it wants in its docs. */
    default void describe(HostContext context) {}
}
