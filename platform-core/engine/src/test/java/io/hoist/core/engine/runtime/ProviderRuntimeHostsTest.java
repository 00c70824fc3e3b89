package io.hoist.core.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.api.provider.HostConfig;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host resources reach the provider's config generically: matched by spec.provider, Secrets decoded. */
class ProviderRuntimeHostsTest {
    @Test
    void hostsThatReferenceTheProviderAreInItsConfigWithTheirSecretsDecoded(@TempDir Path dir) {
        try (SqliteResourceStore store = SqliteResourceStore.open(dir)) {
            for (ObjectNode o : Manifests.parse("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Provider
                    metadata: {name: vc, namespace: a}
                    spec: {type: vsphere, url: "https://vc.example/sdk"}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: esx-creds, namespace: a}
                    data: {user: cm9vdA==, password: aG9zdC1wdw==}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Host
                    metadata: {name: esx-2, namespace: a}
                    spec: {name: esx2.example, provider: {name: vc}, ipAddress: 10.0.0.6}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Host
                    metadata: {name: esx-1, namespace: a}
                    spec: {id: host-21, provider: {name: vc, namespace: a}, ipAddress: 10.0.0.5, secret: {name: esx-creds}}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Host
                    metadata: {name: other-provider, namespace: a}
                    spec: {id: host-9, provider: {name: vc2}, ipAddress: 10.0.0.9}
                    ---
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Host
                    metadata: {name: same-name-other-namespace, namespace: b}
                    spec: {id: host-8, provider: {name: vc}, ipAddress: 10.0.0.8}
                    """)) {
                store.create(ResourceKind.byKind(o.path("kind").asText()).orElseThrow(), o);
            }
            ProviderRuntime runtime = new ProviderRuntime(null, null, store);
            ObjectNode provider = store.get(ResourceKind.PROVIDER, "a", "vc").orElseThrow();
            List<ProviderRuntime.HostResource> hosts = runtime.hostsOf(provider);
            ProviderConfig cfg = ProviderRuntime.config(provider, null, hosts);

            assertThat(cfg.hosts()).containsExactly(
                    new HostConfig("host-21", "", "10.0.0.5", java.util.Map.of("user", "root", "password", "host-pw")),
                    new HostConfig("", "esx2.example", "10.0.0.6", java.util.Map.of()));
            assertThat(cfg.toString()).contains("10.0.0.5", "secretKeys=[").doesNotContain("host-pw");
            assertThat(new ProviderRuntime(null, null).hostsOf(provider)).isEmpty();
        }
    }
}
