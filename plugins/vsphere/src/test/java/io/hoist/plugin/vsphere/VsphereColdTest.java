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
import io.hoist.plugin.vsphere.testsupport.TestHost;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cold-migration source side against a real vCenter simulator: describe, power, disk bytes over the file API. */
class VsphereColdTest {
    static final String VM_NAME = "DC0_H0_VM0";

    @BeforeAll
    static void start() throws Exception {
        VsphereInventoryTest.vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1");
    }

    @AfterAll
    static void stop() {
        VsphereInventoryTest.vcsim.close();
    }

    @Test
    void describesByIdAndByNameFromTheVmConfig() throws Exception {
        TestHost host = new TestHost();
        try (VsphereSource src = VsphereInventoryTest.source(host)) {
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
    void powersOffAndOn() throws Exception {
        TestHost host = new TestHost();
        try (VsphereSource src = VsphereInventoryTest.source(host)) {
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
        TestHost host = new TestHost();
        try (VsphereSource src = VsphereInventoryTest.source(host)) {
            src.collectInventory(host.publisher);
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            // vcsim keeps datastore files in a local directory: the datastore's summary.url
            String dsDir = (String) host.publisher.doc(Documents.DATASTORES, disk.storageId()).get("url");
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
            assertThat(host.diskIo.lastHttpUrl.getPath()).isEqualTo("/folder/" + VM_NAME + "/disk1-flat.vmdk");
            assertThat(host.diskIo.lastHttpUrl.getQuery()).isEqualTo("dcPath=DC0&dsName=LocalDS_0");
            assertThat(host.diskIo.lastHttpHeaders).containsKey("Cookie");
            assertThat(host.diskIo.lastHttpHeaders.get("Cookie")).startsWith("vmware_soap_session=");
            src.powerOn(vm);
        }
    }

    @Test
    void unknownDiskIsAClearError() throws Exception {
        TestHost host = new TestHost();
        try (VsphereSource src = VsphereInventoryTest.source(host)) {
            SourceVm vm = src.describe(new VmRef(null, VM_NAME)).orElseThrow();
            SourceDisk bogus = new SourceDisk("31337", "x", 1, null, "scsi", false, 0);
            assertThatThrownBy(() -> src.openDisk(vm, bogus, null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("disk 31337 not found");
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
