package io.hoist.plugin.kubevirt;

import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.plugin.kubevirt.kube.KubeConnection;
import java.util.List;
import io.hoist.api.validation.ShipsValidationRules;
import io.hoist.api.validation.ValidationRules;
import org.pf4j.Extension;

/** {@code type: openshift} with an http(s) URL as a migration source (a remote KubeVirt cluster). */
@Extension
public final class KubevirtSourceProviderFactory implements SourceProviderFactory, ShipsValidationRules {
    @Override
    public String type() {
        return KubevirtDestinationProviderFactory.TYPE;
    }

    @Override
    public boolean acceptsSource(ProviderConfig config) {
        return type().equals(config.type()) && (config.url().startsWith("https://") || config.url().startsWith("http://"));
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty("token", ConfigProperty.Where.SECRET, true, true,
                        "Bearer token allowed to read VMs/PVCs and create VirtualMachineExports"),
                new ConfigProperty("insecureSkipVerify", ConfigProperty.Where.SECRET, false, false,
                        "true to skip TLS verification (never the default)"),
                new ConfigProperty("cacert", ConfigProperty.Where.SECRET, false, false, "PEM CA bundle of the API server"),
                new ConfigProperty("exportLink", ConfigProperty.Where.SETTINGS, false, false,
                        "external (default) or internal export links"),
                new ConfigProperty("exportReadyTimeoutSeconds", ConfigProperty.Where.SETTINGS, false, false,
                        "how long openDisk waits for a VirtualMachineExport (default 600)"));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        return KubeConnection.validate(config);
    }

    @Override
    public SourceProvider create(ProviderConfig config, HostContext context) {
        return new KubevirtSource(config, context);
    }

    /** MTV's {@code io.konveyor.forklift.openshift} package, shipped in this plugin's jar (see its README). */
    @Override
    public ValidationRules validationRules() {
        return new ValidationRules("openshift", "rules/openshift", List.of("rules_version.rego", "validate.rego", "vm.rego"));
    }
}
