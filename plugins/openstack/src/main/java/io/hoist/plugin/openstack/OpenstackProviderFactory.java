package io.hoist.plugin.openstack;

import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ChecksProviderSpec;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.KeepsGuestDevices;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.provider.ConfigProperty.Where;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.ShipsOsMap;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.validation.ShipsValidationRules;
import io.hoist.api.validation.ValidationRules;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Makes {@code type: openstack} Providers (a Keystone v3 endpoint and a project) migration sources. Their guests
 * already run on KVM: the target keeps the bus and NIC model of the image's {@code hw_disk_bus} and
 * {@code hw_vif_model} ({@link KeepsGuestDevices}), and gets the preference of its {@code os_distro}/{@code os_version}
 * ({@link ShipsOsMap}, {@link GuestOs}).
 */
@Extension
public final class OpenstackProviderFactory implements SourceProviderFactory, ChecksProviderSpec, ShipsValidationRules,
        KeepsGuestDevices, ShipsOsMap {
    @Override
    public String type() {
        return "openstack";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty("authType", Where.SECRET, false, false,
                        "password (default), token or applicationcredential"),
                new ConfigProperty("username", Where.SECRET, false, false, "Keystone user name (also 'user')"),
                new ConfigProperty("userID", Where.SECRET, false, false, "Keystone user id, instead of username"),
                new ConfigProperty("password", Where.SECRET, false, true, "the user's password (authType password)"),
                new ConfigProperty("token", Where.SECRET, false, true, "a Keystone token (authType token)"),
                new ConfigProperty("applicationCredentialID", Where.SECRET, false, false, "application credential id"),
                new ConfigProperty("applicationCredentialName", Where.SECRET, false, false,
                        "application credential name (with username and domainName)"),
                new ConfigProperty("applicationCredentialSecret", Where.SECRET, false, true, "application credential secret"),
                new ConfigProperty("domainName", Where.SECRET, false, false, "domain of the user and project (default Default)"),
                new ConfigProperty("projectName", Where.SECRET, false, false, "project to scope to"),
                new ConfigProperty("projectID", Where.SECRET, false, false, "project id, instead of projectName"),
                new ConfigProperty("regionName", Where.SECRET, false, false, "region of the catalog endpoints"),
                new ConfigProperty("insecureSkipVerify", Where.SECRET, false, false,
                        "true turns TLS verification off for this provider only"),
                new ConfigProperty("cacert", Where.SECRET, false, false, "PEM CA bundle trusted for this provider"),
                new ConfigProperty("inventoryRefreshSeconds", Where.SETTINGS, false, false,
                        "seconds between inventory refreshes (default 10)"),
                new ConfigProperty("operationTimeoutSeconds", Where.SETTINGS, false, false,
                        "longest wait for one snapshot, volume, image or power change (default 1800)"));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        return OpenstackConfig.validate(config);
    }

    @Override
    public List<FieldError> checkSpec(ProviderSpec spec) {
        return OpenstackConfig.checkSpec(spec);
    }

    @Override
    public SourceProvider create(ProviderConfig config, HostContext context) {
        return new OpenstackSource(config, context);
    }

    /** MTV's {@code io.konveyor.forklift.openstack} package, shipped in this plugin's jar (see its README). */
    @Override
    public ValidationRules validationRules() {
        return new ValidationRules("openstack", "rules/openstack", List.of("rules_version.rego", "validate.rego", "vm.rego"));
    }

    @Override
    public Map<String, String> defaultOsMap() {
        return GuestOs.osMap();
    }
}
