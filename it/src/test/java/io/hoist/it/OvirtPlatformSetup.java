package io.hoist.it;

import static io.hoist.it.CrashResumeIT.apply;
import static io.hoist.it.CrashResumeIT.waitTrue;
import static io.hoist.it.VsphereColdMigrationIT.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import java.nio.file.Path;

/**
 * What the oVirt end-to-end tests set up alike: the test engine as Provider {@code ovirt} (its CA in the Secret), a
 * folder destination {@code folder}, and the maps {@code net} (the network of vm_on's NIC to the pod network) and
 * {@code stor} (the recorded data domain to storage class standard).
 */
final class OvirtPlatformSetup {
    static final String DATA_DOMAIN = "723b4112-1502-4b01-83a7-2ba87d1bbb35";

    private OvirtPlatformSetup() {}

    /** Applies both providers and the maps; returns the oVirt Provider's uid once it is Ready. */
    /** The test engine as Provider {@code ovirt}, its credentials and CA in Secret {@code ovirt-credentials}. */
    static void ovirtProvider(ApiClient api, String ns, OvirtEngineTestServer engine) {
        apply(api, ns, """
                apiVersion: v1
                kind: Secret
                metadata: {name: ovirt-credentials, namespace: %1$s}
                type: Opaque
                stringData: {user: "%2$s", password: "%3$s", cacert: "%4$s", insecureSkipVerify: "false"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: ovirt, namespace: %1$s}
                spec: {type: ovirt, url: "%5$s", secret: {name: ovirt-credentials, namespace: %1$s}}
                """.formatted(ns, OvirtEngineTestServer.USER, OvirtEngineTestServer.PASSWORD, json(engine.tls.caPem), engine.url));
    }

    static String providersAndMaps(ApiClient api, String ns, OvirtEngineTestServer engine, Path target) throws Exception {
        ovirtProvider(api, ns, engine);
        apply(api, ns, """
                apiVersion: v1
                kind: Secret
                metadata: {name: folder-secret, namespace: %1$s}
                type: Opaque
                stringData: {url: "file://%2$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: %1$s}
                spec: {type: openshift, url: "file://%2$s", secret: {name: folder-secret, namespace: %1$s}}
                """.formatted(ns, target));
        String uid = waitTrue(api, ResourceKind.PROVIDER, ns, "ovirt", "Ready", 180).path("metadata").path("uid").asText();
        JsonNode vmOn = VsphereColdMigrationIT.collected(api, "/providers/ovirt/" + uid + "/vms?detail=1").stream()
                .filter(v -> v.path("name").asText().equals("vm_on")).findFirst().orElseThrow();
        String networkId = vmOn.path("nics").get(0).path("profile").path("network").asText();
        assertThat(networkId).isNotBlank();
        apply(api, ns, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%2$s"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: %1$s}
                spec:
                  provider: {source: {name: ovirt, namespace: %1$s}, destination: {name: folder, namespace: %1$s}}
                  map: [{source: {id: "%3$s"}, destination: {storageClass: standard}}]
                """.formatted(ns, networkId, DATA_DOMAIN));
        return uid;
    }
}
