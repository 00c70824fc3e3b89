package io.hoist.plugin.kubevirt.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.support.Failures;
import io.hoist.plugin.support.TlsSecretChecks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A fabric8 client for one {@code openshift} Provider: {@code url} + secret {@code token}
 * ({@code cacert}, {@code insecureSkipVerify}), or, with an empty url, the platform's own kubeconfig
 * or in-cluster service account. TLS verification stays on unless the secret turns it off.
 */
public final class KubeConnection {
    public static final String CONNECTION_TEST = "ConnectionTestSucceeded";

    private KubeConnection() {}

    /** Static checks of the Provider before connecting: url form and required secret keys. */
    public static List<Condition> validate(ProviderConfig config) {
        List<Condition> problems = new ArrayList<>();
        if (config.url().isEmpty()) {
            return problems;
        }
        String urlProblem = urlProblem(config.url());
        if (urlProblem != null) {
            problems.add(Condition.isTrue("UrlNotValid", "NotValid", Condition.Category.Critical, urlProblem));
        }
        String token = config.secretValue("token");
        if (token == null || token.isBlank()) {
            problems.add(Condition.isTrue("SecretNotValid", "NotValid", Condition.Category.Critical,
                    "secret: key 'token' is required when url is set"));
        }
        for (String tlsProblem : TlsSecretChecks.problems(config)) {
            problems.add(Condition.isTrue("SecretNotValid", "NotValid", Condition.Category.Critical, "secret: " + tlsProblem));
        }
        return problems;
    }

    /** Why {@code url} cannot be a Kubernetes API endpoint, or null when it can. */
    public static String urlProblem(String url) {
        try {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                // Plain http would send the token unencrypted: refused, not just warned about.
                return "url: '" + url + "' must be https://host[:port] of the Kubernetes API, or file:///path for a folder";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "url: '" + url + "' is not a URI";
        }
    }

    public static TlsSettings tls(ProviderConfig config) {
        return new TlsSettings(config.caCertPem(), null, config.insecureSkipVerify());
    }

    public static KubernetesClient connect(ProviderConfig config) {
        List<Condition> problems = validate(config);
        if (!problems.isEmpty()) {
            throw new HoistException(HoistException.Type.USER_ERROR, problems.get(0).type(), problems.get(0).message());
        }
        Config kube;
        if (config.url().isEmpty()) {
            // The platform's own cluster: kubeconfig, else the in-cluster service account.
            kube = Config.autoConfigure(null);
        } else {
            ConfigBuilder b = new ConfigBuilder(Config.empty())
                    .withMasterUrl(config.url())
                    .withOauthToken(config.secretValue("token"))
                    .withRequestRetryBackoffLimit(2)
                    .withConnectionTimeout(10_000)
                    .withRequestTimeout(30_000);
            String ca = config.caCertPem();
            if (ca != null && !ca.isBlank()) {
                b.withCaCertData(Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.UTF_8)));
            }
            if (config.insecureSkipVerify()) {
                b.withTrustCerts(true).withDisableHostnameVerification(true);
            }
            kube = b.build();
        }
        // fabric8 finds its implementation and HTTP client through the thread context class loader;
        // on a host thread that is the host's loader, which does not see the plugin's bundled fabric8.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KubeConnection.class.getClassLoader());
        try {
            return new KubernetesClientBuilder().withConfig(kube)
                    .withHttpClientFactory(new io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory()).build();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** ConnectionTestSucceeded True, or False with the reason, as for source providers. */
    public static List<Condition> testConnection(KubernetesClient client) {
        try {
            client.namespaces().list(new ListOptionsBuilder().withLimit(1L).build());
            return List.of(Condition.isTrue(CONNECTION_TEST, "Tested", Condition.Category.Required,
                    "connected to " + client.getMasterUrl()));
        } catch (KubernetesClientException e) {
            String message = message(e) + " (" + client.getMasterUrl() + ")";
            return List.of(Condition.isTrue(reason(e), "Failed", Condition.Category.Critical, message),
                    new Condition(CONNECTION_TEST, "False", reason(e), Condition.Category.Critical, message));
        }
    }

    static String reason(KubernetesClientException e) {
        int code = e.getCode();
        if (code == 401 || code == 403) {
            return "ConnectionAuthFailed";
        }
        // CertificateException, the PKIX failures, are GeneralSecurityExceptions too
        return Failures.causedBy(e, SSLException.class) || Failures.causedBy(e, GeneralSecurityException.class)
                ? "ConnectionTLSFailed" : "ConnectionFailed";
    }

    /** A message without the token (fabric8 never puts it in messages; we add only the status code and cause). */
    static String message(KubernetesClientException e) {
        return switch (reason(e)) {
            case "ConnectionAuthFailed" -> "the API server refused the token (HTTP " + e.getCode() + ")";
            case "ConnectionTLSFailed" -> "TLS verification of the API server failed: " + Failures.rootMessage(e)
                    + " (set cacert in the secret, or insecureSkipVerify: true)";
            default -> "cannot reach the API server: " + Failures.rootMessage(e);
        };
    }

    /** Maps a client failure of one call to a HoistException with a type the engine acts on. */
    public static HoistException wrap(String what, KubernetesClientException e) {
        int code = e.getCode();
        HoistException.Type type = code == 401 || code == 403 ? HoistException.Type.AUTH
                : code == 0 || code >= 500 || code == 429 ? HoistException.Type.UNAVAILABLE
                : HoistException.Type.INTERNAL;
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : Failures.rootMessage(e);
        return new HoistException(type, code == 0 ? "ClusterUnavailable" : "ClusterRequestFailed",
                what + " failed (HTTP " + code + "): " + detail, e);
    }
}
