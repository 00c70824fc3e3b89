package io.hoist.plugin.hooks.job;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.hoist.api.HoistException;
import io.hoist.api.provider.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A fabric8 client for the plan's destination cluster, from the destination Provider as its plugin reads it:
 * {@code url} with the secret's {@code token} ({@code cacert}, {@code insecureSkipVerify}), or no url for the
 * platform's own kubeconfig / in-cluster account. TLS verification stays on unless the secret turns it off.
 */
final class ClusterClient {
    private ClusterClient() {}

    static KubernetesClient connect(ProviderConfig destination) {
        Config config;
        if (destination.url().isEmpty()) {
            config = Config.autoConfigure(null);
        } else {
            String token = destination.secretValue("token");
            if (token == null || token.isBlank()) {
                throw new HoistException(HoistException.Type.USER_ERROR, "SecretNotValid", "destination provider "
                        + destination.name() + ": secret key 'token' is required to run hook Jobs on " + destination.url());
            }
            ConfigBuilder b = new ConfigBuilder(Config.empty()).withMasterUrl(destination.url()).withOauthToken(token)
                    .withRequestRetryBackoffLimit(2).withConnectionTimeout(10_000).withRequestTimeout(30_000);
            String ca = destination.caCertPem();
            if (ca != null && !ca.isBlank()) {
                b.withCaCertData(Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.UTF_8)));
            }
            if (destination.insecureSkipVerify()) {
                b.withTrustCerts(true).withDisableHostnameVerification(true);
            }
            config = b.build();
        }
        // fabric8 finds its implementation through the context class loader; a host thread's does not see the plugin's.
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(ClusterClient.class.getClassLoader());
        try {
            return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
        } finally {
            t.setContextClassLoader(previous);
        }
    }
}
