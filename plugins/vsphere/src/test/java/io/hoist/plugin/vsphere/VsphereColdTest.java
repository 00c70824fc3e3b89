package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.vsphere.disk.DatastorePath;
import io.hoist.plugin.vsphere.inventory.Documents;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.tls.ProviderHttpClients;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.testsupport.Providers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cold-migration source side against a real vCenter simulator: describe, power, disk bytes over the file API. */
class VsphereColdTest {
    static final String VM_NAME = "DC0_H0_VM0";

    static Vcsim vcsim;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1");
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    @Test
    void describesByIdAndByNameFromTheVmConfig() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            SourceVm byName = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            assertThat(byName.id()).startsWith("vm-");
            SourceVm byId = src.describe(new VmRef(byName.id(), null)).orElseThrow();
            assertThat(byId).isEqualTo(byName);
            assertThat(src.describe(new VmRef("vm-999999", "no-such-vm"))).isEmpty();
            assertThat(byId.name()).isEqualTo(VM_NAME);
            assertThat(byId.sockets() * byId.coresPerSocket()).isEqualTo(1);
            assertThat(byId.memoryBytes()).isEqualTo(32L * 1024 * 1024);
            assertThat(byId.firmware()).isEqualTo(Firmware.BIOS);
            assertThat(byId.powerState()).isEqualTo(PowerState.ON);
            assertThat(byId.hostId()).startsWith("host-");
            assertThat(byId.disks()).hasSize(1);
            SourceDisk d = byId.disks().get(0);
            assertThat(d.capacity()).isEqualTo(1024 * 1024);
            assertThat(d.name()).isEqualTo("[LocalDS_0] " + VM_NAME + "/disk1.vmdk");
            assertThat(d.bus()).isEqualTo("scsi");
            assertThat(byId.nics()).hasSize(1);
            assertThat(byId.nics().get(0).mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
            assertThat(byId.nics().get(0).networkId()).isNotBlank();
            assertThat(byId.nics().get(0).networkName()).isNotBlank();
        }
    }

    @Test
    void identityComesFromTheVmConfigAsVmwarePresentsIt() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceVm.Identity id = vm.identity();
            assertThat(id.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(id.serial()).isEqualTo(VmwareIdentity.serialOf(id.uuid())).startsWith("VMware-");
            assertThat(id.tpm()).isFalse(); // the simulator's VMs have no vTPM
            assertThat(vm.checks().hostInMaintenance()).isFalse();
            // the simulator's disk backings carry no UUID: the engine then derives a stable serial
            assertThat(vm.disks().get(0).serial()).isNull();
        }
        // VMware's serial format: bytes in hex, a '-' between the two halves
        assertThat(VmwareIdentity.serialOf("4223fa5e-1c1b-4cd5-8f4c-3a6e0f3d1e2a"))
                .isEqualTo("VMware-42 23 fa 5e 1c 1b 4c d5-8f 4c 3a 6e 0f 3d 1e 2a");
        assertThat(VmwareIdentity.serialOf("not-a-uuid")).isNull();
    }

    @Test
    void snapshotTasksArePolledAtTheControllersRate() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            assertThat(src.snapshotPoll()).isEqualTo(java.time.Duration.ofSeconds(1));
            host.withSetting("controller_snapshot_status_check_rate_seconds", "10");
            assertThat(src.snapshotPoll()).isEqualTo(java.time.Duration.ofSeconds(10)); // read live, no restart
        }
    }

    /** Reconfigures firmware and secure boot with hand-written SOAP: vijava 5.1's model has no efiSecureBootEnabled. */
    private static void setFirmware(String vmId, String firmware, boolean secureBoot) throws Exception {
        VimSession admin = Providers.admin(vcsim);
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope"
                + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
                + "<ReconfigVM_Task xmlns=\"urn:vim25\"><_this type=\"VirtualMachine\">" + vmId + "</_this><spec>"
                + "<firmware>" + firmware + "</firmware><bootOptions><efiSecureBootEnabled>" + secureBoot
                + "</efiSecureBootEnabled></bootOptions></spec></ReconfigVM_Task></soapenv:Body></soapenv:Envelope>";
        HttpClient http = new ProviderHttpClients().client(new TlsSettings(vcsim.caPem(), null, false),
                Duration.ofSeconds(10));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(vcsim.url))
                .header("Cookie", admin.soap().sessionCookie()).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String task = r.body().replaceAll("(?s).*<returnval type=\"Task\">([^<]+)</returnval>.*", "$1");
        admin.waitForTask(VimSession.mor("Task", task), Duration.ofSeconds(30));
        admin.logout();
    }

    @Test
    void efiAndSecureBootComeFromTheVmConfig() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            assertThat(vm.firmware()).isEqualTo(Firmware.BIOS);
            assertThat(vm.secureBoot()).isFalse();
            setFirmware(vm.id(), "efi", true);
            try {
                SourceVm efi = src.describe(new VmRef(vm.id(), null)).orElseThrow();
                assertThat(efi.firmware()).isEqualTo(Firmware.EFI);
                assertThat(efi.secureBoot()).isTrue();
            } finally {
                setFirmware(vm.id(), "bios", false);
            }
        }
    }

    @Test
    void powersOffAndOn() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            src.powerOff(vm);
            assertThat(src.powerState(vm)).isEqualTo(PowerState.OFF);
            src.powerOff(vm); // idempotent: the engine may repeat it after a restart
            src.powerOn(vm);
            assertThat(src.powerState(vm)).isEqualTo(PowerState.ON);
        }
    }

    @Test
    void readsDiskBytesThroughTheDatastoreFileApi() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            src.collectInventory(host.inventory());
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            // vcsim keeps datastore files in a local directory: the datastore's summary.url
            String dsDir = (String) host.inventory().doc(Documents.DATASTORES, disk.storageId()).get("url");
            Path flat = Path.of(dsDir).resolve(DatastorePath.parse(disk.name()).flatExtent().path());
            byte[] content = new byte[(int) disk.capacity()];
            new Random(42).nextBytes(content);
            Files.write(flat, content);

            src.powerOff(vm);
            try (DiskReader r = src.openDisk(vm, disk, null)) {
                assertThat(r.size()).isEqualTo(content.length);
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ByteBuffer buf = ByteBuffer.allocate(256 * 1024 + 7); // odd size: reads cross range boundaries
                for (long off = 0; off < r.size(); ) {
                    buf.clear();
                    int n = r.read(off, buf);
                    assertThat(n).isPositive();
                    md.update(buf.array(), 0, n);
                    off += n;
                }
                assertThat(md.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
                // resume from the middle: a Range read returns exactly those bytes
                ByteBuffer mid = ByteBuffer.allocate(4096);
                r.read(500_000, mid);
                assertThat(mid.array()).isEqualTo(java.util.Arrays.copyOfRange(content, 500_000, 504_096));
            }
            assertThat(Hosts.diskIo(host).lastHttpUrl.getPath()).isEqualTo("/folder/" + VM_NAME + "/disk1-flat.vmdk");
            assertThat(Hosts.diskIo(host).lastHttpUrl.getQuery()).isEqualTo("dcPath=DC0&dsName=LocalDS_0");
            assertThat(Hosts.diskIo(host).lastHttpHeaders).containsKey("Cookie");
            assertThat(Hosts.diskIo(host).lastHttpHeaders.get("Cookie")).startsWith("vmware_soap_session=");
            src.powerOn(vm);
        }
    }

    @Test
    void unknownDiskAndRunningVmAreClearErrors() throws Exception {
        HostContextTestDouble host = Hosts.create();
        try (VsphereSource src = Providers.source(vcsim, host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            src.powerOn(vm);
            assertThatThrownBy(() -> src.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("is poweredOn");
            src.powerOff(vm);
            SourceDisk bogus = new SourceDisk("31337", "x", 1, null, "scsi", false, 0);
            assertThatThrownBy(() -> src.openDisk(vm, bogus, null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("disk 31337 not found");
            src.powerOn(vm);
        }
    }

    @Test
    void datastorePathsMapToFlatExtentUrls() {
        DatastorePath p = DatastorePath.parse("[iSCSI Store] my vm/my vm_1.vmdk");
        assertThat(p.datastore()).isEqualTo("iSCSI Store");
        assertThat(p.flatExtent().fileUrl(java.net.URI.create("https://vc.example.com/sdk"), "DC 1").toString())
                .isEqualTo("https://vc.example.com/folder/my%20vm/my%20vm_1-flat.vmdk?dcPath=DC%201&dsName=iSCSI%20Store");
        assertThat(DatastorePath.parse("[ds] a/b-flat.vmdk").flatExtent().path()).isEqualTo("a/b-flat.vmdk");
        assertThatThrownBy(() -> DatastorePath.parse("no brackets")).hasMessageContaining("not a datastore path");
    }
}
