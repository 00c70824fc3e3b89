package io.hoist.plugin.kubevirt;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.kubevirt.KubevirtSourceProviderFactory;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.testing.Hosts;
import io.hoist.plugin.kubevirt.testing.KubevirtClusterForTest;
import io.hoist.plugin.kubevirt.testing.VmExportServerForTest;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.SourceProviderContractTest;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The source provider contract against a Kubernetes API test server with a one-disk VM and its VirtualMachineExport. */
class KubevirtSourceContractTest extends SourceProviderContractTest {
    // A fresh API server per test, as KubevirtSourceTest has: nothing a test left running reaches the next one.
    private KubevirtClusterForTest cluster;
    private VmExportServerForTest exportServer;

    @BeforeEach
    void start() throws Exception {
        cluster = new KubevirtClusterForTest();
        exportServer = new VmExportServerForTest(cluster.client, cluster.provider(Map.of()).caCertPem());
        var c = cluster.client;
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build()).create();
        c.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("ceph-rbd").endMetadata()
                .withProvisioner("rbd.csi.ceph.com").build()).create();
        c.persistentVolumeClaims().inNamespace("apps").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("contract-root").withNamespace("apps").endMetadata().withNewSpec().withStorageClassName("ceph-rbd")
                .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Mi")).endResources()
                .endSpec().build()).create();
        cluster.create(KubeResources.DATA_VOLUME, "apps", Map.of("apiVersion", "cdi.kubevirt.io/v1beta1", "kind", "DataVolume",
                "metadata", Map.of("name", "contract-root", "namespace", "apps"),
                "spec", Map.of("source", Map.of("blank", Map.of()), "storage", Map.of("resources", Map.of("requests", Map.of("storage", "1Mi"))))));
        cluster.create(KubeResources.VIRTUAL_MACHINE, "apps", Map.of("apiVersion", "kubevirt.io/v1", "kind", "VirtualMachine",
                "metadata", Map.of("name", "contract", "namespace", "apps"),
                "spec", Map.of("runStrategy", "Halted", "template", Map.of("spec", Map.of(
                        "domain", Map.of("memory", Map.of("guest", "1Gi"), "devices", Map.of(
                                "disks", List.of(Map.of("name", "root", "disk", Map.of("bus", "virtio"))),
                                "interfaces", List.of(Map.of("name", "default", "masquerade", Map.of())))),
                        "networks", List.of(Map.of("name", "default", "pod", Map.of())),
                        "volumes", List.of(Map.of("name", "root", "dataVolume", Map.of("name", "contract-root"))))))));
        byte[] image = new byte[1 << 20];
        new Random(7).nextBytes(image);
        exportServer.putVolume("apps", "contract-root", image);
    }

    @AfterEach
    void stop() throws Exception {
        exportServer.close();
        cluster.close();
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.COLD, Capability.INVENTORY_WATCH);
    }

    @Override
    protected SourceProvider openProvider(HostContextTestDouble host) throws Exception {
        Hosts.wire(host); // the transfer engine and TLS-aware HTTP
        return new KubevirtSourceProviderFactory().create(cluster.provider(Map.of()), host);
    }

    @Override
    protected VmRef knownVm() {
        return new VmRef(null, "contract");
    }
}
