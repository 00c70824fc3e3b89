package io.hoist.plugin.ovirt;

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

/**
 * An oVirt Provider's URL and Secret, checked. The Secret keys are MTV's: {@code user}, {@code password},
 * {@code cacert} (PEM, the engine's CA) and {@code insecureSkipVerify}. {@link #toString()} never prints the password.
 *
 * @param api {@code https://<engine>/ovirt-engine/api}
 */
public record OvirtConfig(URI api, String user, String password, TlsSettings tls) {
    public static final String API_PATH = "/ovirt-engine/api";

    /**
     * The checks of the spec alone, for the API to refuse a malformed Provider before it is stored: the URL and
     * the Secret reference. The Secret's keys are {@link #validate}'s (the Secret may be applied after the Provider).
     */
    public static List<FieldError> checkSpec(ProviderSpec spec) {
        return new SpecFieldErrors()
                .url(spec.url(), "the engine's API, e.g. https://engine.example.com" + API_PATH, OvirtConfig::urlProblem)
                .secretName(spec.secretName(), "the Secret with the oVirt credentials (user, password, cacert)")
                .list();
    }

    /** Static checks: UrlNotValid / SecretNotValid conditions, each naming the field and the reason. */
    public static List<Condition> validate(ProviderConfig c) {
        List<Condition> out = new ArrayList<>(ProviderConditions.urlNotValid(urlProblem(c.url())));
        List<String> secretProblems = new ArrayList<>();
        if (blank(c.secretValue("user"))) {
            secretProblems.add("key 'user' is missing or empty (e.g. admin@internal)");
        } else if (!c.secretValue("user").contains("@")) {
            secretProblems.add("key 'user' must name the profile, e.g. admin@internal");
        }
        if (blank(c.secretValue("password"))) {
            secretProblems.add("key 'password' is missing or empty");
        }
        secretProblems.addAll(TlsSecretChecks.problems(c));
        out.addAll(ProviderConditions.secretNotValid(secretProblems));
        return out;
    }

    /** Parses a Provider that passed {@link #validate}. */
    public static OvirtConfig of(ProviderConfig c) {
        ProviderConditions.requireNone(validate(c));
        return new OvirtConfig(URI.create(c.url().trim()), c.secretValue("user"), c.secretValue("password"),
                new TlsSettings(blank(c.caCertPem()) ? null : c.caCertPem(), null, c.insecureSkipVerify()));
    }

    static String urlProblem(String url) {
        return ProviderUrls.problem(url, "https://<engine>" + API_PATH, false, u -> {
            String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
            return path.equals(API_PATH) ? null : "path must be " + API_PATH + ", got '" + u.getPath() + "'";
        });
    }

    /** The engine's base URL ({@code https://host:port}), for the SSO and imageio proxy URLs. */
    public URI engine() {
        return URI.create(api.getScheme() + "://" + api.getRawAuthority());
    }

    @Override
    public String toString() {
        return "OvirtConfig[" + api + " user=" + user + " tls=" + tls + "]";
    }
}
