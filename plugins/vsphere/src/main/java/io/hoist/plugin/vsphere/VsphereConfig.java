package io.hoist.plugin.vsphere;

import static io.hoist.plugin.support.ConfigValues.blank;

import io.hoist.api.Condition;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.support.ProviderConditions;
import io.hoist.plugin.support.ProviderUrls;
import io.hoist.plugin.support.SpecFieldErrors;
import io.hoist.plugin.support.TlsSecretChecks;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A vSphere Provider's settings and secret, checked. {@link #toString()} never prints the password.
 *
 * @param sdk           {@code https://<host>/sdk}
 * @param endpoint      {@code vcenter} or {@code esxi} ({@code settings.sdkEndpoint})
 * @param vddkLibDir    where VDDK's libvixDiskLib lives for nbdkit's vddk plugin (warm data path)
 */
public record VsphereConfig(URI sdk, String user, String password, TlsSettings tls, String endpoint,
                            String vddkInitImage, String vddkLibDir) {
    public static final String VCENTER = "vcenter";
    public static final String ESXI = "esxi";

    /**
     * The checks of the spec alone, for the API to refuse a malformed Provider before it is stored: the URL,
     * the Secret reference and {@code settings.sdkEndpoint}. The Secret's keys are {@link #validate}'s (the Secret
     * may be applied after the Provider).
     */
    public static List<FieldError> checkSpec(ProviderSpec spec) {
        SpecFieldErrors out = new SpecFieldErrors()
                .url(spec.url(), "the vCenter or ESXi SDK endpoint, e.g. https://vcenter.example.com/sdk",
                        VsphereConfig::urlProblem)
                .secretName(spec.secretName(), "the Secret with the vSphere credentials (user, password)");
        String endpoint = spec.settings().get("sdkEndpoint");
        if (endpoint != null && !endpoint.equalsIgnoreCase(VCENTER) && !endpoint.equalsIgnoreCase(ESXI)) {
            out.add(new FieldError("spec.settings.sdkEndpoint", FieldError.Reason.NOT_SUPPORTED,
                    "Unsupported value: \"" + endpoint + "\": supported values: \"vcenter\", \"esxi\""));
        }
        return out.list();
    }

    /** Static checks: UrlNotValid / SecretNotValid conditions, each naming the field and the reason. */
    public static List<Condition> validate(ProviderConfig c) {
        List<Condition> out = new ArrayList<>(ProviderConditions.urlNotValid(urlProblem(c.url())));
        List<String> secretProblems = new ArrayList<>();
        if (blank(c.secretValue("user"))) {
            secretProblems.add("key 'user' is missing or empty");
        }
        if (blank(c.secretValue("password"))) {
            secretProblems.add("key 'password' is missing or empty");
        }
        secretProblems.addAll(TlsSecretChecks.problems(c));
        String tp = c.secretValue("thumbprint");
        if (!blank(tp) && !tp.replace(":", "").matches("(?i)[0-9a-f]{40}|[0-9a-f]{64}")) {
            secretProblems.add("key 'thumbprint' must be an SHA-1 or SHA-256 fingerprint in hex");
        }
        String endpoint = c.setting("sdkEndpoint", VCENTER).toLowerCase(Locale.ROOT);
        if (!endpoint.equals(VCENTER) && !endpoint.equals(ESXI)) {
            out.add(Condition.isTrue("SettingsNotValid", "Malformed", Condition.Category.Critical,
                    "spec.settings.sdkEndpoint must be vcenter or esxi, got '" + endpoint + "'"));
        }
        out.addAll(ProviderConditions.secretNotValid(secretProblems));
        return out;
    }

    /** Parses a Provider that passed {@link #validate}. */
    public static VsphereConfig of(ProviderConfig c) {
        ProviderConditions.requireNone(validate(c));
        String tp = c.secretValue("thumbprint");
        TlsSettings tls = new TlsSettings(blank(c.caCertPem()) ? null : c.caCertPem(), blank(tp) ? null : tp,
                c.insecureSkipVerify());
        return new VsphereConfig(URI.create(c.url().trim()), c.secretValue("user"), c.secretValue("password"), tls,
                c.setting("sdkEndpoint", VCENTER).toLowerCase(Locale.ROOT),
                c.setting("vddkInitImage", null), c.setting("vddkLibDir", null));
    }

    static String urlProblem(String url) {
        return ProviderUrls.problem(url, "https://<host>/sdk", false, u -> u.getPath() == null || !u.getPath().endsWith("/sdk")
                ? "path must be /sdk, got '" + u.getPath() + "'" : null);
    }

    @Override
    public String toString() {
        return "VsphereConfig[" + sdk + " user=" + user + " endpoint=" + endpoint + " tls=" + tls + "]";
    }
}
