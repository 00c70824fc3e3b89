package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hoist.core.server.RunningServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kubernetes client (fabric8, as kubectl would) finds the MTV resources through the discovery endpoints
 * and uses them: generic resources are resolved to their plural only through {@code /apis/<group>/<version>}.
 */
class DiscoveryTest {
    @TempDir
    Path dir;

    @Test
    void aKubernetesClientDiscoversAndUsesTheMtvResources() {
        try (RunningServer api = RunningServer.start(dir, "demo");
             KubernetesClient k = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                     .withMasterUrl(api.server.url()).withOauthToken(api.token).withNamespace("demo")
                     .withAutoConfigure(false).build()).build()) {
            assertThat(k.getKubernetesVersion().getMajor()).isEqualTo(DiscoveryApi.KUBE_MAJOR);
            assertThat(k.getKubernetesVersion().getGitVersion()).endsWith("+hoist-" + io.hoist.core.server.HoistServer.version());
            assertThat(k.supports("forklift.konveyor.io/v1beta1", "NetworkMap")).isTrue();
            assertThat(k.supports("kubevirt.io/v1", "VirtualMachine")).isFalse();
            assertThat(k.getApiGroups().getGroups()).extracting(g -> g.getName()).containsExactly("forklift.konveyor.io", "events.k8s.io");
            var resources = k.getApiResources("forklift.konveyor.io/v1beta1").getResources();
            assertThat(resources).filteredOn(r -> r.getKind().equals("StorageMap") && !r.getName().contains("/"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.getName()).isEqualTo("storagemaps");
                        assertThat(r.getNamespaced()).isTrue();
                        assertThat(r.getVerbs()).contains("create", "list", "watch", "patch");
                    });
            assertThat(resources).extracting(r -> r.getName()).contains("plans/status");
            assertThat(k.getApiResources("v1").getResources()).extracting(r -> r.getName())
                    .containsExactlyInAnyOrder("namespaces", "secrets", "configmaps", "events");

            k.secrets().resource(new SecretBuilder().withNewMetadata().withName("vsphere-creds").endMetadata()
                    .withStringData(Map.of("user", "administrator@vsphere.local", "password", "S3cr3t-vc-pass",
                            "insecureSkipVerify", "true"))
                    .build()).create();
            GenericKubernetesResource provider = k.getKubernetesSerialization()
                    .unmarshal(MtvManifestsOverHttpTest.PROVIDER, GenericKubernetesResource.class);
            k.resource(provider).create();

            GenericKubernetesResource got = k.genericKubernetesResources("forklift.konveyor.io/v1beta1", "Provider")
                    .withName("vsphere").get();
            assertThat(got).isNotNull();
            assertThat(got.getMetadata().getUid()).isNotBlank();
            assertThat(((Map<?, ?>) got.getAdditionalProperties().get("spec")).get("url"))
                    .isEqualTo("https://vcenter.example.com/sdk");
            assertThat(k.genericKubernetesResources("forklift.konveyor.io/v1beta1", "Provider").list().getItems())
                    .hasSize(1);
            // Secret values stay write-only for this client too.
            assertThat(k.secrets().withName("vsphere-creds").get().getData().values()).allMatch(v -> v == null || v.isEmpty());

            k.genericKubernetesResources("forklift.konveyor.io/v1beta1", "Provider").withName("vsphere").delete();
            assertThat(k.genericKubernetesResources("forklift.konveyor.io/v1beta1", "Provider").withName("vsphere").get())
                    .isNull();
        }
    }
}
