package io.hoist.plugin.vsphere;

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

/** Makes {@code type: vsphere} Providers (vCenter or ESXi) migration sources. */
@Extension
public final class VsphereProviderFactory implements SourceProviderFactory, ChecksProviderSpec, ShipsValidationRules {
    @Override
    public String type() {
        return "vsphere";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                new ConfigProperty("user", Where.SECRET, true, false, "vSphere user, e.g. administrator@vsphere.local"),
                new ConfigProperty("password", Where.SECRET, true, true, "vSphere password"),
                new ConfigProperty("insecureSkipVerify", Where.SECRET, false, false,
                        "true turns TLS verification off for this provider only"),
                new ConfigProperty("cacert", Where.SECRET, false, false, "PEM CA bundle trusted for this provider"),
                new ConfigProperty("ca.crt", Where.SECRET, false, false, "same as cacert"),
                new ConfigProperty("thumbprint", Where.SECRET, false, false,
                        "SHA-1 or SHA-256 fingerprint of the server certificate"),
                new ConfigProperty("sdkEndpoint", Where.SETTINGS, false, false, "vcenter (default) or esxi"),
                new ConfigProperty("vddkInitImage", Where.SETTINGS, false, false,
                        "image holding VDDK (warm migration data path)"),
                new ConfigProperty("vddkLibDir", Where.SETTINGS, false, false,
                        "local directory holding VDDK's lib64 (alternative to vddkInitImage)"),
                new ConfigProperty("hostIps", Where.SETTINGS, false, false,
                        "host moRef=IP pairs on the migration network, comma separated (Host resources take precedence)"));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        return VsphereConfig.validate(config);
    }

    @Override
    public List<FieldError> checkSpec(ProviderSpec spec) {
        return VsphereConfig.checkSpec(spec);
    }

    @Override
    public SourceProvider create(ProviderConfig config, HostContext context) {
        return new VsphereSource(config, context);
    }

    /** MTV's {@code io.konveyor.forklift.vmware} package, shipped in this plugin's jar (see its README). */
    @Override
    public ValidationRules validationRules() {
        return new ValidationRules("vmware", "rules/vmware", List.of("changed_block_tracking.rego", "cluster.rego", "cpu_memory.rego", "devices.rego", "disks.rego", "guest.rego", "name.rego", "rules_version.rego", "snapshots.rego", "validate.rego"));
    }
}
