package io.hoist.plugin.ovirt;

import io.hoist.api.Condition;
import io.hoist.api.provider.FieldError;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.provider.ProviderSpec;
import io.hoist.api.transfer.TlsSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
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
        List<FieldError> out = new ArrayList<>();
        if (blank(spec.url())) {
            out.add(new FieldError("spec.url", FieldError.Reason.REQUIRED,
                    "Required value: the engine's API, e.g. https://engine.example.com" + API_PATH));
        } else {
            String problem = urlProblem(spec.url());
            if (problem != null) {
                out.add(new FieldError("spec.url", FieldError.Reason.INVALID,
                        "Invalid value: \"" + spec.url() + "\": " + problem));
            }
        }
        if (blank(spec.secretName())) {
            out.add(new FieldError("spec.secret.name", FieldError.Reason.REQUIRED,
                    "Required value: the Secret with the oVirt credentials (user, password, cacert)"));
        }
        return out;
    }

    /** Static checks: UrlNotValid / SecretNotValid conditions, each naming the field and the reason. */
    public static List<Condition> validate(ProviderConfig c) {
        List<Condition> out = new ArrayList<>();
        String urlProblem = urlProblem(c.url());
        if (urlProblem != null) {
            out.add(Condition.isTrue("UrlNotValid", "Malformed", Condition.Category.Critical, "spec.url " + urlProblem));
        }
        List<String> secretProblems = new ArrayList<>();
        if (blank(c.secretValue("user"))) {
            secretProblems.add("key 'user' is missing or empty (e.g. admin@internal)");
        } else if (!c.secretValue("user").contains("@")) {
            secretProblems.add("key 'user' must name the profile, e.g. admin@internal");
        }
        if (blank(c.secretValue("password"))) {
            secretProblems.add("key 'password' is missing or empty");
        }
        String insecure = c.secret().get("insecureSkipVerify");
        if (insecure != null && !insecure.equalsIgnoreCase("true") && !insecure.equalsIgnoreCase("false")) {
            secretProblems.add("key 'insecureSkipVerify' must be true or false");
        }
        String pem = c.caCertPem();
        if (!blank(pem) && !parsesAsCertificates(pem)) {
            secretProblems.add("key '" + (blank(c.secretValue("cacert")) ? "ca.crt" : "cacert")
                    + "' is not a PEM certificate bundle");
        }
        if (!secretProblems.isEmpty()) {
            out.add(Condition.isTrue("SecretNotValid", "Malformed", Condition.Category.Critical,
                    "Secret " + String.join("; ", secretProblems)));
        }
        return out;
    }

    /** Parses a Provider that passed {@link #validate}. */
    public static OvirtConfig of(ProviderConfig c) {
        List<Condition> problems = validate(c);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0).message());
        }
        String pem = c.caCertPem();
        return new OvirtConfig(URI.create(c.url().trim()), c.secretValue("user"), c.secretValue("password"),
                new TlsSettings(blank(pem) ? null : pem, null, c.insecureSkipVerify()));
    }

    static String urlProblem(String url) {
        String expected = "; expected https://<engine>" + API_PATH;
        if (blank(url)) {
            return "is empty" + expected;
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            return "is not a URL (" + e.getReason() + ")" + expected;
        }
        if (!"https".equalsIgnoreCase(u.getScheme())) {
            return "must use https, got '" + u.getScheme() + "'" + expected;
        }
        if (blank(u.getHost())) {
            return "has no host" + expected;
        }
        if (u.getUserInfo() != null) {
            return "must not carry credentials; put them in the Secret";
        }
        String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
        if (!path.equals(API_PATH)) {
            return "path must be " + API_PATH + ", got '" + u.getPath() + "'";
        }
        return null;
    }

    private static boolean parsesAsCertificates(String pem) {
        try {
            return !CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        } catch (CertificateException e) {
            return false;
        }
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
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
