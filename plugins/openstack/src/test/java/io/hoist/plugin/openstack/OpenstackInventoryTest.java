package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.plugin.openstack.testsupport.OpenstackTestbed;
import io.hoist.plugin.openstack.testsupport.TestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.RecordingInventoryPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Inventory from the testbed's real Nova, Cinder, Glance, Neutron and Keystone, in MTV's collections. */
class OpenstackInventoryTest {
    static final OpenstackTestbed bed = OpenstackTestbed.get();

    @Test
    @SuppressWarnings("unchecked")
    void collectsEveryCollectionAndTheWorkloadFieldsTheRulesRead() throws Exception {
        HostContextTestDouble host = TestHosts.withTransferEngine();
        try (OpenstackSource source = (OpenstackSource) new OpenstackProviderFactory().create(bed.provider(Map.of()), host)) {
            source.collectInventory(host.inventory());
        }
        var pub = host.inventory();
        assertThat(pub.failure).isNull();
        assertThat(pub.calls()).filteredOn("end"::equals).hasSize(1);
        for (String c : List.of("regions", "projects", "images", "flavors", "vms", "volumes", "volumetypes", "networks", "subnets")) {
            assertThat(pub.collections.get(c)).as(c).isNotEmpty();
        }
        String vmId = bed.serverId("hoist-vm-volumes");
        assertThat(pub.doc("vms", vmId)).containsEntry("name", "hoist-vm-volumes").containsEntry("status", "ACTIVE");
        assertThat(pub.doc("volumetypes", bed.state.path("volumeTypes").path("nfs-gold").asText())).containsEntry("name", "nfs-gold");
        assertThat(pub.doc("networks", bed.state.path("networks").path("hoist-public").asText())).containsEntry("name", "hoist-public");
        assertThat(pub.doc("images", bed.state.path("image").path("id").asText()).get("properties"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("hw_firmware_type", "uefi");

        // the workload: what io.konveyor.forklift.openstack reads
        Map<String, Object> w = workload(pub, vmId);
        assertThat(w).containsEntry("status", "ACTIVE");
        assertThat((Map<String, Object>) ((Map<String, Object>) w.get("image")).get("properties"))
                .containsEntry("hw_disk_bus", "virtio").containsEntry("os_type", "linux");
        assertThat((Map<String, Object>) ((Map<String, Object>) w.get("flavor")).get("extraSpecs"))
                .containsEntry("hw:cpu_cores", "2");
        List<Map<String, Object>> vols = (List<Map<String, Object>>) w.get("volumes");
        assertThat(vols).extracting(v -> v.get("id")).containsExactlyInAnyOrder(
                bed.volumeId("hoist-vm-volumes-root"), bed.volumeId("hoist-vm-volumes-data"));
        assertThat(vols).allSatisfy(v -> assertThat(v).containsKeys("size", "status", "multiattach"));
        Map<String, Object> addresses = (Map<String, Object>) w.get("addresses");
        assertThat(addresses).containsKeys("hoist-private", "hoist-public");
        assertThat(((List<Map<String, Object>>) addresses.get("hoist-private")).get(0)).containsKey("OS-EXT-IPS:type");

        // a volume in error shows up as such for the disk-status rule
        Map<String, Object> bad = workload(pub, bed.serverId("hoist-vm-error-volume"));
        assertThat((List<Map<String, Object>>) bad.get("volumes")).extracting(v -> v.get("status")).containsExactly("error");
        // the deleted flavor: the server's own copy still says what it had
        Map<String, Object> noFlavor = workload(pub, bed.serverId("hoist-vm-no-flavor"));
        assertThat((Map<String, Object>) noFlavor.get("flavor")).containsEntry("vcpus", 1).containsEntry("ram", 256)
                .containsEntry("name", "hoist.doomed");
        assertThat(workload(pub, bed.serverId("hoist-vm-shelved"))).containsEntry("status", "SHELVED");
        assertThat(workload(pub, bed.serverId("hoist-vm-paused"))).containsEntry("status", "PAUSED");
    }

    @Test
    void refreshPublishesOnlyWhatChangedUsingChangesSince() throws Exception {
        HostContextTestDouble host = TestHosts.withTransferEngine();
        String vmId = bed.serverId("hoist-vm-image");
        try (OpenstackSource source = (OpenstackSource) new OpenstackProviderFactory().create(bed.provider(Map.of()), host)) {
            source.collectInventory(host.inventory());
            int before = host.inventory().calls().size();
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> watching = host.blockingExecutor().submit(() -> {
                source.watch(host.inventory(), stop::get);
                return null;
            });
            String key = "hoist-refresh-" + System.nanoTime();
            bed.call("POST", 8774, "/v2.1/servers/" + vmId + "/metadata", "{\"metadata\":{\"probe\":\"" + key + "\"}}");
            long deadline = System.currentTimeMillis() + 300_000; // minutes: a loaded machine refreshes slowly
            while (System.currentTimeMillis() < deadline && !String.valueOf(host.inventory().doc("vms", vmId).get("metadata")).contains(key)) {
                Thread.sleep(200);
            }
            stop.set(true);
            watching.get();
            assertThat(String.valueOf(host.inventory().doc("vms", vmId).get("metadata"))).contains(key);
            assertThat(String.valueOf(workload(host.inventory(), vmId).get("metadata"))).contains(key);
            // only the changed server (and its workload) was published again, not every document
            List<String> since = host.inventory().calls().subList(before, host.inventory().calls().size());
            assertThat(since).contains("put vms/" + vmId, "workload " + vmId);
            assertThat(since).noneMatch(p -> p.startsWith("put vms/") && !p.equals("put vms/" + vmId));
            assertThat(since).noneMatch(p -> p.startsWith("put images/") || p.startsWith("put networks/"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> workload(RecordingInventoryPublisher pub, String vmId) {
        synchronized (pub) {
            return (Map<String, Object>) pub.workloads.get(vmId);
        }
    }
}
