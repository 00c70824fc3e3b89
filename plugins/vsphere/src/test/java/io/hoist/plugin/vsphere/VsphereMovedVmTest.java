package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.VirtualMachineRelocateSpec;
import io.hoist.api.Condition;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.DatastoreFiles;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.DiskReads;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A VM moved to another host (vMotion) after the plan described it: its disk is read through the host it is on now
 * (here a Host resource pointing at a simulated ESXi host), never through the old host, and the move is reported once as
 * a change of the VM for its migration status.
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
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcenter, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            String newHost = src.describe(new VmRef(null, "DC0_H1_VM0")).orElseThrow().hostId();
            assertThat(newHost).isNotEqualTo(vm.hostId());
            SourceDisk disk = vm.disks().get(0);
            byte[] onNewHost = DatastoreFiles.fill(esx, disk, (byte) 'N');
            src.powerOff(vm);
            URI esxUrl = URI.create(esx.url);
            src.setHost(newHost, "127.0.0.1:" + esxUrl.getPort(),
                    Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", esx.caPem()));

            relocate(vcenter, vm.id(), newHost); // vMotion

            // vm still names the old host, as the migration described it; a retried copy opens the disk again
            for (int open = 0; open < 2; open++) {
                try (DiskReader r = src.openDisk(vm, disk, null)) {
                    assertThat(DiskReads.readAll(r)).isEqualTo(onNewHost);
                }
                assertThat(Hosts.diskIo(host).lastHttpUrl.getPort()).isEqualTo(esxUrl.getPort());
            }
            // reported once, for the engine to put on the VM's status (SourceVmChangeConditionsTest shows it there)
            assertThat(host.vmChanges).singleElement().satisfies(c -> {
                assertThat(c.vmId()).isEqualTo(vm.id());
                assertThat(c.type()).isEqualTo("VMMovedDuringMigration");
                assertThat(c.category()).isEqualTo(Condition.Category.Warn);
                assertThat(c.reason()).isEqualTo("HostChanged");
                assertThat(c.message()).contains("moved from host " + vm.hostId() + " to " + newHost);
            });
        }
    }

    @Test
    void theInventoryWatchReportsAVmMovedToAnotherHost() throws Exception {
        HostContextTestDouble host = Hosts.create();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService watcher = Executors.newVirtualThreadPerTaskExecutor();
        try (Vcsim own = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "2");
             VsphereSource src = Providers.source(own, host)) {
            src.collectInventory(host.inventory());
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            String newHost = src.describe(new VmRef(null, "DC0_H1_VM0")).orElseThrow().hostId();
            Future<?> watching = watcher.submit(() -> {
                src.watch(host.inventory(), stop::get);
                return null;
            });
            relocate(own, vm.id(), newHost);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos(); // ends at the report on a quick machine
            while (host.vmChanges.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(host.vmChanges).singleElement().satisfies(c -> {
                assertThat(c.vmId()).isEqualTo(vm.id());
                assertThat(c.type()).isEqualTo("VMMovedDuringMigration");
                assertThat(c.category()).isEqualTo(Condition.Category.Warn);
                assertThat(c.message()).contains("from host " + vm.hostId() + " to " + newHost);
            });
            stop.set(true);
            watching.get(3, TimeUnit.MINUTES);
        } finally {
            stop.set(true);
            watcher.shutdownNow();
        }
    }

    /** Moves a VM to another host as vMotion does (the simulator's RelocateVM_Task). */
    private static void relocate(Vcsim vcsim, String vmId, String hostId) throws Exception {
        VimSession admin = Providers.admin(vcsim);
        try {
            VirtualMachineRelocateSpec spec = new VirtualMachineRelocateSpec();
            spec.setHost(VimSession.mor("HostSystem", hostId));
            admin.waitForTask(admin.invoke("RelocateVM_Task", VimSession.mor("VirtualMachine", vmId),
                    ManagedObjectReference.class, new Arg("spec", "VirtualMachineRelocateSpec", spec)), Duration.ofMinutes(2));
        } finally {
            admin.logout();
        }
    }
}
