package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.vsphere.testsupport.DatastoreFiles;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.DiskReads;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Host resources: with a Host's IP and Secret, a VM's disk is read from its ESXi host directly. Two real
 * simulators: a vCenter, and a standalone ESXi simulator playing the VM's host on the migration network.
 */
class VsphereHostRoutingTest {
    static Vcsim vcenter;
    static Vcsim esx;
    static final String VM_NAME = "DC0_H0_VM0";

    @BeforeAll
    static void start() throws Exception {
        vcenter = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1");
        esx = Vcsim.start("-esx", "-vm", "1");
    }

    @AfterAll
    static void stop() {
        esx.close();
        vcenter.close();
    }

    @Test
    void readsTheDiskFromTheHostWithTheHostsOwnSession() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcenter, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            byte[] onHost = DatastoreFiles.fill(esx, disk, (byte) 'H');
            DatastoreFiles.fill(vcenter, disk, (byte) 'V');
            src.powerOff(vm);

            URI esxUrl = URI.create(esx.url);
            src.setHost(vm.hostId(), "127.0.0.1:" + esxUrl.getPort(),
                    Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", esx.caPem()));
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                assertThat(DiskReads.readAll(r)).isEqualTo(onHost);
            }
            assertThat(Hosts.diskIo(host).lastHttpUrl.getPort()).isEqualTo(esxUrl.getPort());
            assertThat(Hosts.diskIo(host).lastHttpUrl.getQuery()).isEqualTo("dcPath=ha-datacenter&dsName=LocalDS_0");
            assertThat(Hosts.diskIo(host).lastHttpHeaders.get("Cookie")).startsWith("vmware_soap_session=");

            // the Host's wrong password is a clear error naming the host, never the password
            src.setHost(vm.hostId(), "127.0.0.1:" + esxUrl.getPort(),
                    Map.of("user", Vcsim.USER, "password", "wrong-host-pw", "cacert", esx.caPem()));
            assertThatThrownBy(() -> src.openDisk(vm, disk, null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("login to host 127.0.0.1:" + esxUrl.getPort())
                    .hasMessageNotContaining("wrong-host-pw");

            // the Host's TLS is checked too: a CA that did not sign the host's certificate is refused
            src.setHost(vm.hostId(), "127.0.0.1:" + esxUrl.getPort(),
                    Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", vcenter.caPem()));
            assertThatThrownBy(() -> src.openDisk(vm, disk, null)).isInstanceOf(HoistException.class)
                    .satisfies(e -> assertThat(((HoistException) e).code()).isEqualTo("HostUnavailable"));

            // without a Host, the same disk comes through vCenter
            src.setHost(vm.hostId(), null, null);
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                ByteBuffer first = ByteBuffer.allocate(16);
                r.read(0, first);
                assertThat(first.array()).containsOnly((byte) 'V');
            }
            src.powerOn(vm);
        }
    }

    @Test
    void hostResourcesInTheProviderConfigRouteDiskReadsByHostName() throws Exception {
        HostContextTestDouble host = Hosts.create();
        URI esxUrl = URI.create(esx.url);
        String hostName;
        SourceVm vm;
        SourceDisk disk;
        byte[] onHost;
        try (VsphereSource plain = Providers.source(vcenter, host)) {
            vm = plain.describe(new VmRef(null, VM_NAME)).orElseThrow();
            disk = vm.disks().get(0);
            onHost = DatastoreFiles.fill(esx, disk, (byte) 'R');
            DatastoreFiles.fill(vcenter, disk, (byte) 0);
            plain.powerOff(vm);
            hostName = (String) Providers.admin(vcenter).property(
                    io.hoist.plugin.vsphere.soap.VimSession.mor("HostSystem", vm.hostId()), "name");
        }
        // a Host by name (no moRef), the way the engine hands Host resources over; a bad address is ignored
        var cfg = Providers.config(vcenter).withHosts(java.util.List.of(
                new io.hoist.api.provider.HostConfig("", hostName, "127.0.0.1:" + esxUrl.getPort(),
                        Map.of("user", Vcsim.USER, "password", Vcsim.PASSWORD, "cacert", esx.caPem())),
                new io.hoist.api.provider.HostConfig("host-unknown", "", "bad host name", Map.of())));
        try (VsphereSource src = (VsphereSource) new VsphereProviderFactory().create(cfg, host)) {
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                assertThat(DiskReads.readAll(r)).isEqualTo(onHost);
            }
            assertThat(Hosts.diskIo(host).lastHttpUrl.getPort()).isEqualTo(esxUrl.getPort());
            src.powerOn(vm);
        }
    }

    @Test
    void hostAddressesAreCheckedAndPasswordsNotPrinted() {
        assertThat(HostAccess.of("fd00::5", null).address()).isEqualTo("[fd00::5]");
        assertThat(HostAccess.of("10.0.0.5", null).host()).isEqualTo("10.0.0.5");
        assertThat(HostAccess.of("10.0.0.5:8443", Map.of("user", "root", "password", "pw-123")).toString())
                .contains("10.0.0.5:8443", "root").doesNotContain("pw-123");
        assertThatThrownBy(() -> HostAccess.of(" ", null)).hasMessageContaining("ipAddress is empty");
        assertThatThrownBy(() -> HostAccess.of("bad host name", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
