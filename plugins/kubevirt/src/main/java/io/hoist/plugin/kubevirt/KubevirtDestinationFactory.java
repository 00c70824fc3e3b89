package io.hoist.plugin.kubevirt;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.Destination;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.kubevirt.folder.FolderDestination;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code type: openshift} as a destination. A {@code file://} URL selects the folder destination
 * (manifests and raw disks on disk, the embedded default); any other URL, or none, a cluster.
 */
@Extension
public final class KubevirtDestinationFactory implements DestinationProviderFactory {
    public static final String TYPE = "openshift";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty("token", ConfigProperty.Where.SECRET, false, true,
                        "Bearer token of a service account allowed to manage VMs, DataVolumes and PVCs"),
                new ConfigProperty("insecureSkipVerify", ConfigProperty.Where.SECRET, false, false,
                        "true to skip TLS verification of the API server (never the default)"),
                new ConfigProperty("cacert", ConfigProperty.Where.SECRET, false, false,
                        "PEM CA bundle of the API server"));
    }

    @Override
    public boolean acceptsDestination(ProviderConfig config) {
        return TYPE.equals(config.type());
    }

    static boolean isFolder(ProviderConfig config) {
        return config.url().startsWith("file:");
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        if (isFolder(config)) {
            try {
                FolderDestination.parseUrl(config.url());
            } catch (HoistException e) {
                return List.of(Condition.isTrue("UrlNotValid", "NotValid", Condition.Category.Critical, e.getMessage()));
            }
        }
        return List.of();
    }

    @Override
    public Destination create(ProviderConfig config, HostContext context) {
        if (isFolder(config)) {
            return new FolderDestination(FolderDestination.parseUrl(config.url()), context);
        }
        throw HoistException.notSupported("a cluster destination (url '" + config.url() + "')");
    }
}
