package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.Condition;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.vsphere.disk.DatastorePath;
import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.DiskReads;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A standalone ESXi host (vcsim -esx) as the source: sdkEndpoint esxi, ha-datacenter, file API on the host. */
class VsphereEsxiTest {
    static Vcsim esx;

    @BeforeAll
    static void start() throws Exception {
        esx = Vcsim.start("-esx", "-vm", "2");
    }

    @AfterAll
    static void stop() {
        esx.close();
    }

    VsphereSource source(HostContextTestDouble host) throws Exception {
        return (VsphereSource) new VsphereProviderFactory().create(new ProviderConfig("uid-esx", "ns", "esx", "vsphere",
                esx.url, Map.of("sdkEndpoint", "esxi"),
                Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", esx.caPem())), host);
    }

    @Test
    void connectsCollectsAndReadsDisks() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = source(host)) {
            assertThat(src.testConnection()).extracting(Condition::type).containsExactly("ConnectionTestSucceeded");
            assertThat(src.testConnection().get(0).message()).contains("ESXi");
            src.collectInventory(host.inventory());
            assertThat(host.inventory().count(Documents.HOSTS)).isEqualTo(1);
            assertThat(host.inventory().count(Documents.VMS)).isEqualTo(esx.vms).isEqualTo(2);
            assertThat(host.inventory().count(Documents.CLUSTERS)).isZero();
            Map<String, Object> hostDoc = host.inventory().collections.get(Documents.HOSTS).values().stream()
                    .map(d -> (Map<String, Object>) d).findFirst().orElseThrow();
            assertThat(hostDoc.get("inCluster")).isEqualTo(false);

            SourceVm vm = src.describe(new VmRef(null, "ha-host_VM0")).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            String dsDir = (String) host.inventory().doc(Documents.DATASTORES, disk.storageId()).get("url");
            Path flat = Path.of(dsDir).resolve(DatastorePath.parse(disk.name()).flatExtent().path());
            byte[] content = new byte[(int) disk.capacity()];
            Arrays.fill(content, (byte) 0x5a);
            content[content.length - 1] = 1;
            Files.write(flat, content);
            src.powerOff(vm);
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                assertThat(DiskReads.readAll(r)).isEqualTo(content);
            }
            assertThat(Hosts.diskIo(host).lastHttpUrl.getQuery()).startsWith("dcPath=ha-datacenter&dsName=");
            src.powerOn(vm);
        }
    }
}
