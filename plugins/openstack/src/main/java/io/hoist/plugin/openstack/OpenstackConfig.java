package io.hoist.plugin.openstack;

import static io.hoist.plugin.support.ConfigValues.blank;
import static io.hoist.plugin.support.ConfigValues.nullIfBlank;

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
 * An OpenStack Provider's URL and Secret, checked, with MTV's Secret keys: {@code authType} ({@code password}
 * default, {@code token}, {@code applicationcredential}), {@code username} (or {@code user}), {@code userID},
 * {@code password}, {@code token}, {@code applicationCredentialID}/{@code applicationCredentialName}/
 * {@code applicationCredentialSecret}, {@code domainName}, {@code projectName}, {@code projectID},
 * {@code regionName}, {@code insecureSkipVerify}, {@code cacert}. {@link #toString()} prints no secret.
 */
public record OpenstackConfig(URI authUrl, AuthType authType, String username, String userId, String password,
                              String token, String appCredentialId, String appCredentialName, String appCredentialSecret,
                              String domainName, String projectName, String projectId, String regionName,
                              TlsSettings tls) {
    /** How the provider logs in to Keystone. */
    public enum AuthType { PASSWORD, TOKEN, APPLICATION_CREDENTIAL }

    /**
     * What the spec alone shows, for the API's 422 before the Provider is stored: MTV's OpenStack Secret may carry the
     * URL ({@code url}), so an empty {@code spec.url} is only missing when no Secret is named.
     */
    public static List<FieldError> checkSpec(ProviderSpec spec) {
        SpecFieldErrors out = new SpecFieldErrors();
        if (!blank(spec.url()) || blank(spec.secretName())) {
            out.url(spec.url(), "the Keystone v3 endpoint, e.g. https://keystone.example.com:5000/v3",
                    OpenstackConfig::urlProblem);
        }
        return out.secretName(spec.secretName(),
                "the Secret with the OpenStack credentials (username, password, projectName, domainName)").list();
    }

    /** Static checks: UrlNotValid / SecretNotValid conditions, each naming the field and the reason. */
    public static List<Condition> validate(ProviderConfig c) {
        List<Condition> out = new ArrayList<>();
        String url = blank(c.url()) ? c.secretValue("url") : c.url();
        out.addAll(ProviderConditions.urlNotValid(urlProblem(url)));
        List<String> problems = new ArrayList<>();
        String type = c.secret().getOrDefault("authType", "password").toLowerCase(Locale.ROOT);
        switch (type) {
            case "password" -> {
                if (blank(username(c)) && blank(c.secretValue("userID"))) {
                    problems.add("key 'username' is missing or empty");
                }
                if (blank(c.secretValue("password"))) {
                    problems.add("key 'password' is missing or empty");
                }
                requireProject(c, problems);
            }
            case "token" -> {
                if (blank(c.secretValue("token"))) {
                    problems.add("key 'token' is missing or empty (authType: token)");
                }
                requireProject(c, problems);
            }
            case "applicationcredential" -> {
                if (blank(c.secretValue("applicationCredentialSecret"))) {
                    problems.add("key 'applicationCredentialSecret' is missing or empty (authType: applicationcredential)");
                }
                if (blank(c.secretValue("applicationCredentialID")) && blank(c.secretValue("applicationCredentialName"))) {
                    problems.add("key 'applicationCredentialID' (or applicationCredentialName with username and"
                            + " domainName) is missing or empty");
                } else if (blank(c.secretValue("applicationCredentialID"))
                        && (blank(username(c)) || blank(c.secretValue("domainName")))) {
                    problems.add("keys 'username' and 'domainName' are needed with applicationCredentialName");
                }
            }
            default -> problems.add("key 'authType' must be password, token or applicationcredential, got '" + type + "'");
        }
        problems.addAll(TlsSecretChecks.problems(c));
        out.addAll(ProviderConditions.secretNotValid(problems));
        return out;
    }

    private static void requireProject(ProviderConfig c, List<String> problems) {
        if (blank(c.secretValue("projectName")) && blank(c.secretValue("projectID"))) {
            problems.add("key 'projectName' (or projectID) is missing or empty");
        }
    }

    private static String username(ProviderConfig c) {
        String u = c.secretValue("username");
        return blank(u) ? c.secretValue("user") : u; // MTV's docs show both spellings
    }

    /** Parses a Provider that passed {@link #validate}. */
    public static OpenstackConfig of(ProviderConfig c) {
        ProviderConditions.requireNone(validate(c));
        String type = c.secret().getOrDefault("authType", "password").toLowerCase(Locale.ROOT);
        AuthType auth = switch (type) {
            case "token" -> AuthType.TOKEN;
            case "applicationcredential" -> AuthType.APPLICATION_CREDENTIAL;
            default -> AuthType.PASSWORD;
        };
        String url = blank(c.url()) ? c.secretValue("url") : c.url();
        TlsSettings tls = new TlsSettings(blank(c.caCertPem()) ? null : c.caCertPem(), null, c.insecureSkipVerify());
        String domain = blank(c.secretValue("domainName")) ? "Default" : c.secretValue("domainName");
        return new OpenstackConfig(URI.create(url.trim().replaceAll("/+$", "")), auth, blank(username(c)) ? null : username(c),
                nullIfBlank(c.secretValue("userID")), nullIfBlank(c.secretValue("password")),
                nullIfBlank(c.secretValue("token")), nullIfBlank(c.secretValue("applicationCredentialID")),
                nullIfBlank(c.secretValue("applicationCredentialName")),
                nullIfBlank(c.secretValue("applicationCredentialSecret")), domain,
                nullIfBlank(c.secretValue("projectName")), nullIfBlank(c.secretValue("projectID")),
                nullIfBlank(c.secretValue("regionName")), tls);
    }

    static String urlProblem(String url) {
        // http is accepted: lab Keystones (devstack, the testbed) often have no TLS
        return ProviderUrls.problem(url, "the Keystone v3 endpoint, e.g. https://keystone.example.com:5000/v3", true,
                u -> u.getPath() == null || !u.getPath().replaceAll("/+$", "").endsWith("/v3")
                        ? "path must end with /v3 (Keystone v3), got '" + u.getPath() + "'" : null);
    }

    /** Who logs in, for messages: never a secret. */
    public String principal() {
        return switch (authType) {
            case PASSWORD -> "user " + (username != null ? username : userId);
            case TOKEN -> "a token";
            case APPLICATION_CREDENTIAL -> "application credential " + (appCredentialId != null ? appCredentialId : appCredentialName);
        };
    }

    @Override
    public String toString() {
        return "OpenstackConfig[" + authUrl + " auth=" + authType + " " + principal() + " project="
                + (projectName != null ? projectName : projectId) + " region=" + regionName + " tls=" + tls + "]";
    }
}
