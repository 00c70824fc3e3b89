package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.VirtualMachineRelocateSpec;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.DatastoreFiles;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.plugin.vsphere.testsupport.TestHost;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A VM moved to another host (vMotion) after the plan described it: its disk is read through the host it is on now
 * (here a Host resource pointing at a simulated ESXi host), and the move is logged, never read through the old host.
 */
class VsphereMovedVmTest {
    static Vcsim vcenter;
    static Vcsim esx;
    static final String VM_NAME = "DC0_H0_VM0";

    @BeforeAll
    static void start() throws Exception {
        vcenter = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "2");
        esx = Vcsim.start("-esx", "-vm", "1");
    }

    @AfterAll
    static void stop() {
        esx.close();
        vcenter.close();
    }

    @Test
    void aVmMovedDuringTheMigrationIsReadWhereItIsNow() throws Exception {
        TestHost host = new TestHost();
        try (VsphereSource src = Providers.source(vcenter, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            String newHost = src.describe(new VmRef(null, "DC0_H1_VM0")).orElseThrow().hostId();
            assertThat(newHost).isNotEqualTo(vm.hostId());
            SourceDisk disk = vm.disks().get(0);
            byte[] onNewHost = new byte[(int) disk.capacity()];
            Arrays.fill(onNewHost, (byte) 'N');
            Files.write(DatastoreFiles.flatFile(esx, disk), onNewHost);
            src.powerOff(vm);
            URI esxUrl = URI.create(esx.url);
            src.setHost(newHost, "127.0.0.1:" + esxUrl.getPort(),
                    Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", esx.caPem()));

            VimSession admin = Providers.admin(vcenter);
            VirtualMachineRelocateSpec spec = new VirtualMachineRelocateSpec();
            spec.setHost(VimSession.mor("HostSystem", newHost));
            admin.waitForTask(admin.invoke("RelocateVM_Task", VimSession.mor("VirtualMachine", vm.id()),
                    ManagedObjectReference.class, new Arg("spec", "VirtualMachineRelocateSpec", spec)), Duration.ofSeconds(30));
            admin.logout();

            // vm still names the old host, as the plan described it
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                ByteBuffer all = ByteBuffer.allocate(onNewHost.length);
                while (all.hasRemaining()) {
                    r.read(all.position(), all);
                }
                assertThat(all.array()).isEqualTo(onNewHost);
            }
            assertThat(host.diskIo.lastHttpUrl.getPort()).isEqualTo(esxUrl.getPort());
            assertThat(host.logLines).filteredOn(l -> l.startsWith("WARNING") && l.contains("moved from host " + vm.hostId()
                    + " to " + newHost)).hasSize(1);
        }
    }
}
