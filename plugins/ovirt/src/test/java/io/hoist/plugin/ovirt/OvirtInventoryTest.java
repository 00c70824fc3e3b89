package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ovirt.api.metamodel.runtime.xml.XmlReader;

/** Inventory of the recorded engine in MTV's field names, kept current from the event log. */
class OvirtInventoryTest {
    static OvirtEngineTestServer engine;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void collectsEveryCollectionWithTheFieldsTheRulesRead() {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            s.collectInventory(host.inventory());
        }
        var p = host.inventory();
        assertThat(p.failure).isNull();
        assertThat(p.collection("datacenters").size()).isEqualTo(2);
        assertThat(p.collection("clusters").size()).isEqualTo(3);
        assertThat(p.collection("hosts").size()).isEqualTo(2);
        assertThat(p.collection("storagedomains").size()).isEqualTo(8);
        assertThat(p.collection("networks").size()).isEqualTo(3);
        assertThat(p.collection("nicprofiles").size()).isEqualTo(2);
        assertThat(p.collection("disks").size()).isEqualTo(14);
        assertThat(p.collection("vms").size()).isEqualTo(2);
        assertThat(p.trees).containsKey("cluster");

        Map<String, Object> on = (Map<String, Object>) p.workloads.get(OvirtEngineTestServer.VM_ON);
        assertThat(on).containsEntry("name", "vm_on").containsEntry("status", "up").containsEntry("bios", "i440fx_sea_bios")
                .containsEntry("balloonedMemory", false).containsEntry("bootMenuEnabled", false).containsEntry("haEnabled", false)
                .containsEntry("usbEnabled", false).containsEntry("placementPolicyAffinity", "migratable")
                .containsEntry("ioThreads", 1L).containsEntry("cpuShares", 0L).containsEntry("hasIllegalImages", false)
                .containsEntry("cpuPinningPolicy", "none").containsEntry("customCpuModel", "").containsEntry("osType", "other");
        for (String field : List.of("cpuAffinity", "properties", "hostDevices", "numaNodeAffinity", "watchDogs")) {
            assertThat(on.get(field)).as(field).isInstanceOf(List.class);
        }
        // vm_on has a snapshot with memory (recorded): the rule's input
        assertThat((List<Map<String, Object>>) on.get("snapshots")).anySatisfy(sn -> assertThat(sn).containsEntry("persistMemory", true));
        List<Map<String, Object>> atts = (List<Map<String, Object>>) on.get("diskAttachments");
        assertThat(atts).hasSize(1);
        assertThat(atts.get(0)).containsEntry("interface", "virtio");
        assertThat((Map<String, Object>) atts.get(0).get("disk")).containsEntry("status", "ok").containsEntry("storageType", "image")
                .containsEntry("shared", false).containsEntry("provisionedSize", 8589934592L)
                .containsEntry("storageDomain", "723b4112-1502-4b01-83a7-2ba87d1bbb35");
        List<Map<String, Object>> nics = (List<Map<String, Object>>) on.get("nics");
        assertThat(nics).isNotEmpty();
        assertThat(nics.get(0)).containsKeys("interface", "plugged", "mac");
        assertThat((Map<String, Object>) nics.get(0).get("profile")).containsKeys("networkFilter", "passThrough", "portMirroring", "qos")
                .containsEntry("passThrough", false);
        assertThat((Map<String, Object>) on.get("cluster")).containsEntry("id", "1c273044-e6ca-492f-9ac2-47381b626808");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eventsKeepItCurrentWithoutReadingEverythingAgain() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            s.collectInventory(host.inventory());
            AtomicBoolean stop = new AtomicBoolean();
            System.setProperty("hoist.ovirt.eventPollMillis", "100");
            Future<?> watching = host.blockingExecutor().submit(() -> {
                s.watch(host.inventory(), stop::get);
                return null;
            });
            int before = engine.requests.size();
            engine.editVm(OvirtEngineTestServer.VM_OFF, vm -> vm.getElementsByTagName("name").item(0).setTextContent("vm_off_renamed"),
                    "VM vm_off was updated by admin@internal");
            long end = System.nanoTime() + 20_000_000_000L;
            while (!"vm_off_renamed".equals(host.inventory().doc("vms", OvirtEngineTestServer.VM_OFF).get("name"))) { // read under the publisher's lock
                assertThat(System.nanoTime()).as("rename seen through the event log").isLessThan(end);
                Thread.sleep(50);
            }
            stop.set(true);
            watching.get();
            List<String> after = engine.requests.subList(before, engine.requests.size());
            assertThat(after).anyMatch(r -> r.startsWith("GET events?from="));
            assertThat(after).anyMatch(r -> r.startsWith("GET vms/" + OvirtEngineTestServer.VM_OFF));
            assertThat(after).as("no full re-read").noneMatch(r -> r.startsWith("GET vms?") || r.equals("GET vms") || r.equals("GET disks"));
            engine.editVm(OvirtEngineTestServer.VM_OFF, vm -> vm.getElementsByTagName("name").item(0).setTextContent("vm_off"), "back");
        } finally {
            System.clearProperty("hoist.ovirt.eventPollMillis");
        }
    }

    @Test
    void everyServedDocumentParsesWithTheSdksReader() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            s.collectInventory(host.inventory()); // logs in and walks every collection through the SDK
        }
        var client = io.hoist.plugin.ovirt.client.EngineClient.open(OvirtConfig.of(OvirtTestHosts.provider(engine, Map.of())), new io.hoist.core.transfer.tls.ProviderHttpClients());
        try {
            String token = client.connection().authenticate();
            var http = new io.hoist.core.transfer.tls.ProviderHttpClients().client(new io.hoist.api.transfer.TlsSettings(engine.tls.caPem, null, false),
                    java.time.Duration.ofSeconds(10));
            List<String> paths = engine.requests.stream().filter(r -> r.startsWith("GET ")).map(r -> r.substring(4)).distinct().toList();
            assertThat(paths).hasSizeGreaterThan(8);
            for (String path : paths) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(engine.url + "/" + path))
                        .header("Authorization", "Bearer " + token).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                try (XmlReader reader = new XmlReader(new ByteArrayInputStream(r.body()))) {
                    assertThat(reader.read()).as(path + " parses with the SDK's reader").isNotNull();
                }
            }
        } finally {
            client.close();
        }
    }
}
