package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests from MTV's "Migrating from VMware vSphere (CLI)" procedure, placeholders filled in,
 * applied over HTTP as YAML with the real {@link MtvAdmission}; then invalid ones get 422 with causes.
 */
class MtvManifestsOverHttpTest {
    static final String NS = "/namespaces/demo/";
    static final String FORKLIFT = ResourceApi.FORKLIFT + NS;

    static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: vsphere-creds
              namespace: demo
              labels:
                createdForProviderType: vsphere
                createdForResourceType: providers
            type: Opaque
            stringData:
              user: administrator@vsphere.local
              password: S3cr3t-vc-pass
              insecureSkipVerify: "false"
              cacert: |
                -----BEGIN CERTIFICATE-----
                MIIBszCCAVmgAwIBAgIUfake
                -----END CERTIFICATE-----
              url: https://vcenter.example.com/sdk
            """;
    static final String PROVIDER = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Provider
            metadata:
              name: vsphere
              namespace: demo
            spec:
              type: vsphere
              url: https://vcenter.example.com/sdk
              settings:
                vddkInitImage: quay.io/example/vddk:8.0.2
                sdkEndpoint: vcenter
              secret:
                name: vsphere-creds
                namespace: demo
            """;
    static final String HOST = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Host
            metadata:
              name: esx-1
              namespace: demo
            spec:
              provider:
                namespace: demo
                name: vsphere
              id: host-1034
              ipAddress: 10.0.0.21
              secret:            # the procedure omits it, but the Host CRD requires it
                name: vsphere-creds
                namespace: demo
            """;
    static final String NETWORK_MAP = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: NetworkMap
            metadata:
              name: net
              namespace: demo
            spec:
              map:
                - destination:
                    name: pod
                    type: pod
                  source:
                    id: network-31
                    name: VM Network
                - destination:
                    name: vlan-100
                    namespace: demo
                    type: multus
                  source:
                    id: dvportgroup-45
                    name: DPortGroup
              provider:
                source:
                  name: vsphere
                  namespace: demo
                destination:
                  name: host
                  namespace: demo
            """;
    static final String PLAN = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata:
              name: wave-1
              namespace: demo
            spec:
              warm: false
              targetNamespace: demo
              provider:
                source: {name: vsphere, namespace: demo}
                destination: {name: host, namespace: demo}
              map:
                network: {name: net, namespace: demo}
                storage: {name: st, namespace: demo}
              vms:
                - id: vm-2345
                - name: web-01
            """;

    @TempDir
    Path dir;

    Reply applyYaml(RunningServer api, String collection, String yaml) {
        return api.send(api.request(collection).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
    }

    @Test
    void mtvProcedureManifestsAreAdmittedAndBadOnesExplained() {
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new MtvAdmission()).namespaces("demo"), dir)) {
            List<Reply> replies = new ArrayList<>();
            replies.add(applyYaml(api, ResourceApi.CORE + NS + "secrets", SECRET));
            replies.add(applyYaml(api, FORKLIFT + "providers", PROVIDER));
            replies.add(applyYaml(api, FORKLIFT + "hosts", HOST));
            replies.add(applyYaml(api, FORKLIFT + "networkmaps", NETWORK_MAP));
            replies.add(applyYaml(api, FORKLIFT + "plans", PLAN));
            for (Reply r : replies) {
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                assertThat(r.body()).doesNotContain("S3cr3t-vc-pass");
            }
            JsonNode secret = api.get(ResourceApi.CORE + NS + "secrets/vsphere-creds").json();
            assertThat(secret.get("data").fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("user", "password", "insecureSkipVerify", "cacert", "url");
            assertThat(api.get(FORKLIFT + "plans/wave-1").json().at("/spec/vms/1/name").asText()).isEqualTo("web-01");

            // A plan with several mistakes: one 422 listing each with its field path.
            Reply bad = applyYaml(api, FORKLIFT + "plans", PLAN.replace("wave-1", "wave-2")
                    .replace("warm: false", "warm: sometimes").replace("- id: vm-2345", "- id: 5"));
            assertThat(bad.status()).as(bad.body()).isEqualTo(422);
            JsonNode status = bad.json();
            assertThat(status.get("kind").asText()).isEqualTo("Status");
            assertThat(status.get("reason").asText()).isEqualTo("Invalid");
            List<String> fields = new ArrayList<>();
            status.at("/details/causes").forEach(c -> {
                fields.add(c.get("field").asText());
                assertThat(c.get("reason").asText()).startsWith("FieldValue");
                assertThat(c.get("message").asText()).isNotBlank();
            });
            assertThat(fields).contains("spec.warm", "spec.vms[0].id");
            assertThat(api.get(FORKLIFT + "plans/wave-2").status()).isEqualTo(404);

            // a Provider's type-specific problems come from its plugin: PluginProviderChecksTest
        }
    }
}
