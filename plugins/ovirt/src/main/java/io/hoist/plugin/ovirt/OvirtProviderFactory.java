package io.hoist.plugin.ovirt;

import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ChecksProviderSpec;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.provider.ConfigProperty.Where;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import java.util.List;
import io.hoist.api.validation.ShipsValidationRules;
import io.hoist.api.validation.ValidationRules;
import org.pf4j.Extension;

/** Makes {@code type: ovirt} Providers (oVirt engine or RHV Manager) migration sources. */
@Extension
public final class OvirtProviderFactory implements SourceProviderFactory, ChecksProviderSpec, ShipsValidationRules {
    @Override
    public String type() {
        return "ovirt";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty("user", Where.SECRET, true, false, "engine user with its profile, e.g. admin@internal"),
                new ConfigProperty("password", Where.SECRET, true, true, "the user's password"),
                new ConfigProperty("cacert", Where.SECRET, false, false,
                        "PEM CA of the engine (https://<engine>/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA)"),
                new ConfigProperty("insecureSkipVerify", Where.SECRET, false, false,
                        "true turns TLS verification off for this provider only"),
                new ConfigProperty("eventPollSeconds", Where.SETTINGS, false, false,
                        "how often the inventory asks the engine for new events (default 5)"));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        return OvirtConfig.validate(config);
    }

    @Override
    public List<FieldError> checkSpec(ProviderSpec spec) {
        return OvirtConfig.checkSpec(spec);
    }

    @Override
    public SourceProvider create(ProviderConfig config, HostContext context) {
        return new OvirtSource(config, context);
    }

    /** MTV's {@code io.konveyor.forklift.ovirt} package, shipped in this plugin's jar (see its README). */
    @Override
    public ValidationRules validationRules() {
        return new ValidationRules("ovirt", "rules/ovirt", List.of("disks_nics.rego", "incremental_backup.rego", "lun.rego", "rules_version.rego", "validate.rego", "vm.rego"));
    }
}
