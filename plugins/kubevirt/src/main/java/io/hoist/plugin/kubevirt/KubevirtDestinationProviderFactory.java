package io.hoist.plugin.kubevirt;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.Destination;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ChecksProviderSpec;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.provider.DestinationProviderFactory;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.plugin.kubevirt.cluster.ClusterDestination;
import io.hoist.plugin.kubevirt.folder.FolderDestination;
import io.hoist.plugin.kubevirt.kube.KubeConnection;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code type: openshift} as a destination. A {@code file://} URL selects the folder destination
 * (manifests and raw disks on disk, the embedded default); any other URL, or none, a cluster.
 */
@Extension
public final class KubevirtDestinationProviderFactory implements DestinationProviderFactory, ChecksProviderSpec {
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
                        "PEM CA bundle of the API server"),
                new ConfigProperty("uploadProxyCacert", ConfigProperty.Where.SECRET, false, false,
                        "PEM CA bundle of CDI's upload proxy, when it differs from cacert"),
                new ConfigProperty("uploadProxyUrl", ConfigProperty.Where.SETTINGS, false, false,
                        "CDI upload proxy URL; default: CDIConfig 'config' status.uploadProxyURL"),
                new ConfigProperty("diskApi", ConfigProperty.Where.SETTINGS, false, false,
                        "storage (DataVolume spec.storage, default), pvc (DataVolume spec.pvc) or persistentvolumeclaim"),
                new ConfigProperty("uploadReadyTimeoutSeconds", ConfigProperty.Where.SETTINGS, false, false,
                        "how long openDisk waits for CDI's upload pod (default 300)"));
    }

    @Override
    public boolean acceptsDestination(ProviderConfig config) {
        return TYPE.equals(config.type());
    }

    static boolean isFolder(ProviderConfig config) {
        return config.url().startsWith("file:");
    }

    /**
     * The URL's form, for the API to refuse a malformed Provider: empty (the cluster Hoist runs in), a folder
     * ({@code file:///path}) or an https API endpoint. Checked here for the source factory too: one answer per type.
     */
    @Override
    public List<FieldError> checkSpec(ProviderSpec spec) {
        String url = spec.url().trim();
        if (url.isEmpty()) {
            return List.of();
        }
        String problem;
        if (url.startsWith("file:")) {
            try {
                FolderDestination.parseUrl(url);
                problem = null;
            } catch (HoistException e) {
                problem = e.getMessage();
            }
        } else {
            problem = KubeConnection.urlProblem(url);
        }
        return problem == null ? List.of()
                : List.of(new FieldError("spec.url", FieldError.Reason.INVALID, "Invalid value: " + problem));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        if (isFolder(config)) {
            try {
                FolderDestination.parseUrl(config.url());
            } catch (HoistException e) {
                return List.of(Condition.isTrue("UrlNotValid", "NotValid", Condition.Category.Critical, e.getMessage()));
            }
            return List.of();
        }
        return KubeConnection.validate(config);
    }

    @Override
    public Destination create(ProviderConfig config, HostContext context) {
        if (isFolder(config)) {
            return new FolderDestination(FolderDestination.parseUrl(config.url()), context);
        }
        return new ClusterDestination(config, context);
    }
}
