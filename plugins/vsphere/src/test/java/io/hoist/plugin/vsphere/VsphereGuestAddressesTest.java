package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.vmware.vim25.GuestInfo;
import com.vmware.vim25.GuestNicInfo;
import com.vmware.vim25.NetIpConfigInfo;
import com.vmware.vim25.NetIpConfigInfoIpAddress;
import io.hoist.api.convert.GuestAddress;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * preserveStaticIPs from a real simulator: the guest tools of one VM report a manual address, of another a DHCP one;
 * the simulator clears guest information at power-off as vSphere does, so conversion time sees none.
 */
class VsphereGuestAddressesTest {
    static final String STATIC_VM = "DC0_H0_VM0";
    static final String DHCP_VM = "DC0_H0_VM1";

    static Vcsim vcsim;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "2", "-cluster", "0", "-host", "1",
                "-guest-net", STATIC_VM + "=192.168.50.10/24,gw=192.168.50.1,dns=192.168.50.53+192.168.60.53,origin=manual",
                "-guest-net", DHCP_VM + "=10.1.2.3/16,gw=10.1.0.1,origin=dhcp", "-guest-disk", STATIC_VM + "=C:\\");
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    @Test
    void aPoweredOffVmKeepsTheStaticAddressesItsToolsReportedWhileRunning() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create());
             VsphereSource neverSawItRun = Providers.source(vcsim, Hosts.create())) {
            SourceVm vm = src.describe(new VmRef(null, STATIC_VM)).orElseThrow();
            String mac = vm.nics().get(0).mac().toLowerCase();
            assertThat(vm.checks().guestIpMacs()).containsExactly(mac);
            // the tools map the guest's C:\ to the VM's first disk (guest.disk[].mappings)
            assertThat(vm.disks().get(0).winDriveLetter()).isEqualTo("c");
            List<GuestAddress> running = src.guestAddresses(vm);
            assertThat(running).containsExactly(new GuestAddress(mac, "192.168.50.10", 24, "192.168.50.1",
                    List.of("192.168.50.53", "192.168.60.53")));

            src.powerOff(vm);
            VimSession admin = Providers.admin(vcsim);
            awaitToolsStopped(admin, vm.id());

            // conversion time: the VM is off and vSphere reports nothing, the provider still knows
            assertThat(src.guestAddresses(vm)).isEqualTo(running);
            SourceVm off = src.describe(new VmRef(vm.id(), null)).orElseThrow();
            assertThat(off.checks().guestIpMacs()).containsExactly(mac);
            assertThat(off.disks().get(0).winDriveLetter()).as(".WinDriveLetter, remembered").isEqualTo("c");
            // a provider that never saw the tools run has nothing to offer (and says nothing it does not know)
            assertThat(neverSawItRun.guestAddresses(vm)).isEmpty();
            SourceVm unknown = neverSawItRun.describe(new VmRef(vm.id(), null)).orElseThrow();
            assertThat(unknown.checks().guestIpMacs()).isNull();
            assertThat(unknown.disks().get(0).winDriveLetter()).isNull();

            src.powerOn(vm);
        }
    }

    @Test
    void dhcpAddressesAreNotMadeStatic() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            SourceVm vm = src.describe(new VmRef(null, DHCP_VM)).orElseThrow();
            assertThat(vm.disks().get(0).winDriveLetter()).as("no guest disk mapping").isNull();
            assertThat(vm.checks().guestIpMacs()).hasSize(1); // the tools do report an address
            assertThat(src.guestAddresses(vm)).isEmpty();
        }
    }

    @Test
    void windowsKeepsOnlyManualAddressesOtherGuestsAllButDynamicOnes() {
        GuestInfo guest = new GuestInfo();
        guest.setToolsRunningStatus("guestToolsRunning");
        GuestNicInfo nic = new GuestNicInfo();
        nic.setMacAddress("00:50:56:AA:BB:CC");
        NetIpConfigInfo cfg = new NetIpConfigInfo();
        cfg.setIpAddress(new NetIpConfigInfoIpAddress[] {
                address("10.0.0.5", 8, "manual"), address("10.0.0.6", 8, "other"), address("10.0.0.7", 8, "dhcp"),
                address("fe80::250:56ff:feaa:bbcc", 64, "other")});
        nic.setIpConfig(cfg);
        guest.setNet(new GuestNicInfo[] {nic});

        assertThat(GuestStaticAddresses.of(guest, "windows2019srv_64Guest")).extracting(GuestAddress::ip)
                .containsExactly("10.0.0.5");
        assertThat(GuestStaticAddresses.of(guest, "rhel9_64Guest")).extracting(GuestAddress::ip)
                .containsExactly("10.0.0.5", "10.0.0.6");
        assertThat(GuestStaticAddresses.of(guest, "rhel9_64Guest")).extracting(GuestAddress::mac)
                .containsOnly("00:50:56:aa:bb:cc");
    }

    private static NetIpConfigInfoIpAddress address(String ip, int prefix, String origin) {
        NetIpConfigInfoIpAddress a = new NetIpConfigInfoIpAddress();
        a.setIpAddress(ip);
        a.setPrefixLength(prefix);
        a.setOrigin(origin);
        return a;
    }

    /** The simulator clears guest information shortly after the power-off (as vSphere does). */
    private static void awaitToolsStopped(VimSession admin, String vmId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!"guestToolsNotRunning".equals(admin.property(VimSession.mor("VirtualMachine", vmId),
                "guest.toolsRunningStatus"))) {
            assertThat(Instant.now()).as("guest tools still reported running").isBefore(deadline);
            Thread.sleep(100);
        }
        Object net = admin.property(VimSession.mor("VirtualMachine", vmId), "guest.net");
        assertThat(net == null || net instanceof Object[] a && a.length == 0).as("guest.net cleared: " + net).isTrue();
    }
}
