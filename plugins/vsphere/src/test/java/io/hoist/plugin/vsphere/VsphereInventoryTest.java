package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.RecordingInventoryPublisher;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import com.vmware.vim25.ManagedObjectReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full collection and WaitForUpdatesEx updates against a real vCenter simulator. */
class VsphereInventoryTest {
    static Vcsim vcsim;

    @BeforeAll
    static void start() throws Exception {
        // 2 DCs, each: 2 clusters x 2 hosts, 1 standalone host, 2 VMs per host/pool, 2 datastores, 2 DV port groups
        vcsim = Vcsim.start("-dc", "2", "-cluster", "2", "-cluster-host", "2", "-host", "1", "-vm", "2", "-ds", "2",
                "-pg", "2", "-folder", "1");
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    static VsphereSource source(HostContextTestDouble host) throws Exception {
        return Providers.source(vcsim, host);
    }

    static VimSession admin() throws Exception {
        return Providers.admin(vcsim);
    }

    @Test
    @SuppressWarnings("unchecked")
    void fullCollectionPublishesEveryCollectionInMtvShape() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = source(host)) {
            src.collectInventory(host.inventory());
        }
        RecordingInventoryPublisher p = host.inventory();
        assertThat(p.failure).isNull();
        assertThat(p.calls()).containsOnlyOnce("begin", "end");
        assertThat(p.calls().getLast()).isEqualTo("end");
        assertThat(p.count(Documents.DATACENTERS)).isEqualTo(2);
        assertThat(p.count(Documents.CLUSTERS)).isEqualTo(4);
        assertThat(p.count(Documents.HOSTS)).isEqualTo(vcsim.hosts).isEqualTo(10);
        assertThat(p.count(Documents.VMS)).isEqualTo(vcsim.vms);
        assertThat(p.workloads).hasSize(vcsim.vms);
        assertThat(p.count(Documents.DATASTORES)).isEqualTo(4);
        assertThat(p.count(Documents.FOLDERS)).isGreaterThanOrEqualTo(2 * 4 + 1);
        // per DC: "VM Network", 1 DVS, its uplink port group and 2 DV port groups
        List<Object> variants = p.collections.get(Documents.NETWORKS).values().stream()
                .map(d -> ((Map<String, Object>) d).get("variant")).toList();
        assertThat(variants).contains("Standard", "DvPortGroup", "DvSwitch");

        Map<String, Object> cluster = p.collections.get(Documents.CLUSTERS).values().stream()
                .map(d -> (Map<String, Object>) d).findFirst().orElseThrow();
        assertThat(cluster).containsKeys("drsEnabled", "dasEnabled", "dpmEnabled", "drsBehavior", "hosts", "datastores");
        assertThat((List<?>) cluster.get("hosts")).hasSize(2);

        Map<String, Object> hostDoc = p.collections.get(Documents.HOSTS).values().stream()
                .map(d -> (Map<String, Object>) d).filter(h -> Boolean.TRUE.equals(h.get("inCluster"))).findFirst()
                .orElseThrow();
        assertThat(p.collections.get(Documents.CLUSTERS)).containsKey((String) hostDoc.get("cluster"));
        assertThat(hostDoc).containsKeys("inMaintenance", "networkAdapters", "managementServerIp", "networking",
                "productVersion");

        String vmId = p.collections.get(Documents.VMS).keySet().stream().sorted().findFirst().orElseThrow();
        Map<String, Object> vm = p.doc(Documents.VMS, vmId);
        assertThat(vm.get("id")).isEqualTo(vmId);
        assertThat(vm.get("uuid")).asString().isNotBlank();
        assertThat(vm.get("powerState")).isEqualTo("poweredOn");
        assertThat(vm).containsKeys("firmware", "cpuAffinity", "cpuHotAddEnabled", "cpuHotRemoveEnabled",
                "memoryHotAddEnabled", "cpuCount", "coresPerSocket", "memoryMB", "changeTrackingEnabled",
                "consolidationNeeded", "faultToleranceEnabled", "tpmEnabled", "numaNodeAffinity", "secureBoot",
                "diskEnableUuid", "guestId", "guestName", "hostName", "ipAddress", "guestNetworks", "guestDisks",
                "devices", "nics", "disks", "snapshot", "host", "isTemplate", "networks", "concerns");
        List<Map<String, Object>> disks = (List<Map<String, Object>>) vm.get("disks");
        assertThat(disks).isNotEmpty();
        assertThat(disks.get(0).get("file")).asString().matches("\\[[^]]+] .+\\.vmdk");
        assertThat((Map<String, Object>) disks.get(0).get("datastore")).containsEntry("kind", "Datastore");
        assertThat((Long) disks.get(0).get("capacity")).isPositive();
        assertThat(disks.get(0)).containsKeys("key", "shared", "rdm", "mode", "bus");
        List<Map<String, Object>> nics = (List<Map<String, Object>>) vm.get("nics");
        assertThat(nics).isNotEmpty();
        assertThat(nics.get(0).get("mac")).asString().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
        assertThat((Map<String, Object>) nics.get(0).get("network")).containsEntry("kind", "Network");

        Map<String, Object> workload = (Map<String, Object>) p.workloads.get(vmId);
        assertThat(workload.get("selfLink")).isEqualTo("providers/vsphere/uid-" + vcsim.hashCode() + "/workloads/" + vmId);
        assertThat((Map<String, Object>) workload.get("host")).containsKeys("id", "networkAdapters", "cluster");

        Map<String, Object> hostTree = (Map<String, Object>) p.trees.get("host");
        assertThat(countKind(hostTree, "VM")).isEqualTo(vcsim.vms);
        assertThat(countKind(hostTree, "Host")).isEqualTo(vcsim.hosts);
        assertThat(countKind(hostTree, "Cluster")).isEqualTo(4);
        assertThat(countKind((Map<String, Object>) p.trees.get("vm"), "VM")).isEqualTo(vcsim.vms);
    }

    @SuppressWarnings("unchecked")
    static int countKind(Map<String, Object> node, String kind) {
        int n = kind.equals(node.get("kind")) ? 1 : 0;
        List<Map<String, Object>> children = (List<Map<String, Object>>) node.get("children");
        if (children != null) {
            for (Map<String, Object> c : children) {
                n += countKind(c, kind);
            }
        }
        return n;
    }

    @Test
    void watchPublishesRenamesAndPowerChanges() throws Exception {
        HostContextTestDouble host = Hosts.create();
        AtomicBoolean stop = new AtomicBoolean();
        try (VsphereSource src = source(host)) {
            src.collectInventory(host.inventory());
            src.collectInventory(host.inventory()); // a periodic refresh replaces, not adds, the server-side filter
            String vmId = host.inventory().collections.get(Documents.VMS).keySet().stream().sorted().findFirst()
                    .orElseThrow();
            CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> src.watch(host.inventory(), stop::get));
            VimSession admin = admin();
            ManagedObjectReference vm = VimSession.mor("VirtualMachine", vmId);
            admin.waitForTask(admin.invoke("Rename_Task", vm, ManagedObjectReference.class,
                    new Arg("newName", "String", "renamed-by-test")), Duration.ofSeconds(30));
            admin.waitForTask(admin.invoke("PowerOffVM_Task", vm, ManagedObjectReference.class), Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !("renamed-by-test".equals(host.inventory().doc(Documents.VMS, vmId).get("name"))
                    && "poweredOff".equals(host.inventory().doc(Documents.VMS, vmId).get("powerState")))) {
                Thread.sleep(50);
            }
            assertThat(host.inventory().doc(Documents.VMS, vmId)).containsEntry("name", "renamed-by-test")
                    .containsEntry("powerState", "poweredOff");
            assertThat((long) host.inventory().doc(Documents.VMS, vmId).get("revision")).isGreaterThan(1);
            // destroyed VMs leave the inventory
            admin.waitForTask(admin.invoke("Destroy_Task", vm, ManagedObjectReference.class), Duration.ofSeconds(30));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && host.inventory().doc(Documents.VMS, vmId) != null) {
                Thread.sleep(50);
            }
            assertThat(host.inventory().doc(Documents.VMS, vmId)).isNull();
            stop.set(true);
            watching.get(30, TimeUnit.SECONDS);
            admin.logout();
        }
    }
}
