package io.hoist.plugin.ova;

import io.hoist.api.Condition;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ChecksProviderSpec;
import io.hoist.api.provider.ConfigProperty;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.SourceProviderFactory;
import io.hoist.api.source.SourceProvider;
import io.hoist.plugin.ova.location.NfsMounter;
import io.hoist.plugin.ova.location.ProviderLocation;
import java.util.List;
import io.hoist.api.validation.ShipsValidationRules;
import io.hoist.api.validation.ValidationRules;
import org.pf4j.Extension;

/** Provider type {@code ova}: OVA archives and OVF folders on a local path or an NFS export. */
@Extension
public final class OvaProviderFactory implements SourceProviderFactory, ChecksProviderSpec, ShipsValidationRules {
    @Override
    public String type() {
        return "ova";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(new ConfigProperty("url", ConfigProperty.Where.SECRET, false, false,
                "The NFS export (server:/path) as MTV's OVA secret carries it; spec.url is used when set"));
    }

    @Override
    public List<Condition> validate(ProviderConfig config) {
        try {
            ProviderLocation.parse(url(config));
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(Condition.isTrue("UrlNotValid", "NotValid", Condition.Category.Critical, e.getMessage()));
        }
    }

    /**
     * The folder's form, for the API to refuse a malformed Provider. With no spec.url the Secret's {@code url}
     * is used (MTV's OVA Secret repeats it), so only a Provider naming neither is refused here.
     */
    @Override
    public List<FieldError> checkSpec(ProviderSpec spec) {
        if (spec.url().isBlank()) {
            return spec.secretName().isBlank()
                    ? List.of(new FieldError("spec.url", FieldError.Reason.REQUIRED, "Required value: the OVA folder: "
                            + "an NFS export server:/path, nfs://server/path or file:///absolute/folder (or a Secret with key url)"))
                    : List.of();
        }
        try {
            ProviderLocation.parse(spec.url());
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(new FieldError("spec.url", FieldError.Reason.INVALID, "Invalid value: " + e.getMessage()));
        }
    }

    @Override
    public SourceProvider create(ProviderConfig config, HostContext context) {
        return new OvaSource(config, context, NfsMounter.system());
    }

    /** spec.url, else the secret's {@code url} (MTV's OVA secret repeats the NFS URL there). */
    static String url(ProviderConfig config) {
        if (!config.url().isBlank()) {
            return config.url();
        }
        String s = config.secretValue("url");
        return s == null ? "" : s;
    }

    /** MTV's {@code io.konveyor.forklift.ova} package, shipped in this plugin's jar (see its README). */
    @Override
    public ValidationRules validationRules() {
        return new ValidationRules("ova", "rules/ova", List.of("rules_version.rego", "validate.rego", "vm.rego"));
    }
}
