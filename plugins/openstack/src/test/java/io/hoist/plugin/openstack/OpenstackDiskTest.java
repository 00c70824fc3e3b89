package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.api.HoistException;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.plugin.openstack.disk.GlanceImageReader;
import io.hoist.plugin.openstack.testsupport.OpenstackTestbed;
import io.hoist.plugin.openstack.testsupport.TestHosts;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.testkit.transfer.DiskReads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VM description and the disk path against the real testbed: snapshot → volume → image → Glance download through
 * the platform's transfer engine, byte for byte, and nothing temporary left after success or failure.
 */
class OpenstackDiskTest {
    static final OpenstackTestbed bed = OpenstackTestbed.get();
    static final int MIB = 1 << 20;

    HostContextTestDouble host;
    OpenstackSource source;
    @TempDir
    Path tmp;

    @BeforeEach
    void connect() {
        host = TestHosts.withTransferEngine();
        source = (OpenstackSource) new OpenstackProviderFactory().create(bed.provider(Map.of()), host);
    }

    @AfterEach
    void nothingLeft() {
        source.close();
        host.close();
        assertThat(bed.leftovers()).as("temporary snapshots, volumes and images").isEmpty();
    }

    private SourceVm vm(String name) {
        return source.describe(new VmRef(null, name)).orElseThrow();
    }

    @Test
    void describesAVolumeBackedServerFromNovaCinderGlanceAndNeutron() {
        SourceVm vm = vm("hoist-vm-volumes");
        assertThat(vm.id()).isEqualTo(bed.serverId("hoist-vm-volumes"));
        assertThat(source.describe(new VmRef(vm.id(), null)).orElseThrow().name()).isEqualTo("hoist-vm-volumes");
        // flavor hoist.medium: 2 vCPUs as hw:cpu_sockets=1, hw:cpu_cores=2; 2048 MiB
        assertThat(List.of(vm.sockets(), vm.coresPerSocket(), vm.threadsPerCore())).containsExactly(1, 2, 1);
        assertThat(vm.memoryBytes()).isEqualTo(2048L * MIB);
        // the boot volume's image properties
        assertThat(vm.firmware()).isEqualTo(Firmware.EFI);
        assertThat(vm.osType()).as("os_distro fedora").isEqualTo("fedora");
        assertThat(vm.powerState()).isEqualTo(PowerState.ON);
        assertThat(vm.disks()).extracting(SourceDisk::id).containsExactlyInAnyOrder(
                bed.volumeId("hoist-vm-volumes-root"), bed.volumeId("hoist-vm-volumes-data"));
        assertThat(vm.disks()).allSatisfy(d -> {
            assertThat(d.capacity()).isEqualTo(1L << 30);
            assertThat(d.bus()).isEqualTo("virtio");
        });
        SourceDisk root = disk(vm, "hoist-vm-volumes-root");
        assertThat(root.bootOrder()).isEqualTo(1);
        assertThat(root.storageId()).isEqualTo(bed.state.path("volumeTypes").path("nfs1").asText());
        assertThat(disk(vm, "hoist-vm-volumes-data").storageId()).isEqualTo(bed.state.path("volumeTypes").path("nfs-gold").asText());
        // NICs are the server's Neutron ports, with their MACs and networks
        JsonNode ports = bed.call("GET", 9696, "/v2.0/ports?device_id=" + vm.id(), null).path("ports");
        List<String> macs = new ArrayList<>();
        ports.forEach(p -> macs.add(p.path("mac_address").asText()));
        assertThat(vm.nics()).extracting(SourceNic::mac).containsExactlyInAnyOrderElementsOf(macs).hasSize(2);
        assertThat(vm.nics()).extracting(SourceNic::networkName).containsExactlyInAnyOrder("hoist-private", "hoist-public");
        assertThat(vm.nics()).extracting(SourceNic::networkId).contains(bed.state.path("networks").path("hoist-public").asText());
    }

    @Test
    void aDeletedFlavorStillGivesCpuAndMemory() {
        SourceVm vm = vm("hoist-vm-no-flavor");
        assertThat(vm.sockets() * vm.coresPerSocket()).isEqualTo(1);
        assertThat(vm.memoryBytes()).isEqualTo(256L * MIB);
        assertThat(vm.disks()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(OpenstackSource.ROOT_DISK);
            assertThat(d.storageId()).isEqualTo("glance");
        });
    }

    /**
     * One snapshot → volume → image pipeline for the whole class (each costs a 1 GiB snapshot, volume and image on
     * a slow machine; the end-to-end test copies both volumes): the data volume's first window through the reader
     * the plugin opens, then the whole image once more through a proxy that cuts the download half-way, with the
     * token revoked before that pass (what an expiry does to the token a download carries), byte for byte. Then the
     * failure path on the same pipeline: the image deleted under the copy makes the next read fail naming the image and Glance's 404,
     * and closing the reader still deletes the volume and snapshot (the {@code @AfterEach} lists none).
     */
    @Test
    void copiesAVolumeByteForByteThroughGlanceAcrossARevokedTokenAndACutDownloadAndCleansUpAfterAFailure() throws Exception {
        SourceVm vm = vm("hoist-vm-volumes");
        Random random = new Random(17);
        byte[] head = new byte[3 * MIB + 123];
        byte[] middle = new byte[2 * MIB];
        byte[] tail = new byte[MIB];
        random.nextBytes(head);
        random.nextBytes(middle);
        random.nextBytes(tail);
        bed.writeVolume("hoist-vm-volumes-data", 0, head);
        bed.writeVolume("hoist-vm-volumes-data", 600L * MIB, middle);
        bed.writeVolume("hoist-vm-volumes-data", (1L << 30) - MIB, tail);
        Path expected = bed.volumeAsRaw("hoist-vm-volumes-data", tmp);
        try (DiskReader r = source.openDisk(vm, disk(vm, "hoist-vm-volumes-data"), null)) {
            assertThat(r.size()).isEqualTo(1L << 30);
            assertSameBytes(r, expected, 64L * MIB);

            String imageId = r.describe().replaceFirst("glance image (\\S+) .*", "$1");
            try (var proxy = new io.hoist.plugin.openstack.testsupport.CuttingProxyTestServer(9292, 512L * MIB);
                 GlanceImageReader viaProxy = new GlanceImageReader(host.diskIo(), proxy.uri(), imageId,
                         io.hoist.api.transfer.TlsSettings.DEFAULT, source.session(), "cut test")) {
                bed.revoke(source.session().tokenId());
                assertSameBytes(viaProxy, expected, viaProxy.size());
                assertThat(proxy.cuts()).isEqualTo(1);
                assertThat(viaProxy.reopened()).as("once for the revoked token, once for the cut").isEqualTo(2);
                assertThat(viaProxy.requests()).as("16 windows of 64 MiB, the cut one asked for again").isEqualTo(16);
            }
            bed.call("DELETE", 9292, "/v2/images/" + imageId, null);
            ByteBuffer beyondTheFirstWindow = ByteBuffer.allocate(MIB);
            assertThatThrownBy(() -> r.read(896L * MIB, beyondTheFirstWindow)).isInstanceOf(IOException.class)
                    .hasMessageContaining(imageId).hasMessageContaining("404");
            assertThat(bed.leftovers()).as("the volume and snapshot until the reader closes").isNotEmpty();
        }
        assertThat(host.logLines.toString()).doesNotContain(bed.text("password"));
    }

    @Test
    void anImageBackedServerIsReadThroughAServerSnapshotImage() throws Exception {
        SourceVm vm = vm("hoist-vm-image");
        SourceDisk root = vm.disks().getFirst();
        assertThat(root.id()).isEqualTo(OpenstackSource.ROOT_DISK);
        assertThat(root.capacity()).isEqualTo(1L << 30); // flavor hoist.small: 1 GiB root disk
        byte[] disk = new byte[4 * MIB];
        new Random(9).nextBytes(disk);
        AtomicBoolean uploaded = new AtomicBoolean();
        // Nova's FakeDriver uploads nothing for a server snapshot: the test plays the hypervisor
        source.onSnapshotQueued(serverId -> {
            JsonNode images = bed.call("GET", 9292, "/v2/images?name=hoist-" + serverId, null).path("images");
            if (images.size() == 1 && images.get(0).path("status").asText().equals("queued") && uploaded.compareAndSet(false, true)) {
                bed.uploadImage(images.get(0).path("id").asText(), disk);
            }
        });
        try (DiskReader r = source.openDisk(vm, root, null)) {
            assertThat(r.size()).isEqualTo(disk.length);
            assertThat(DiskReads.readAll(r)).isEqualTo(disk);
        }
        assertThat(uploaded).isTrue();
    }

    @Test
    void aVolumeInErrorIsRefusedWithItsStatusAndNothingIsMade() {
        SourceVm vm = vm("hoist-vm-error-volume");
        assertThatThrownBy(() -> source.openDisk(vm, vm.disks().getFirst(), null))
                .isInstanceOfSatisfying(HoistException.class, e -> {
                    assertThat(e.code()).isEqualTo("VolumeStatusUnsupported");
                    assertThat(e.getMessage()).contains("is error").contains("hoist-vm-error-volume");
                });
    }

    @Test
    void shelvedAndPausedServersAreRefusedWithWhatToDo() {
        for (String name : List.of("hoist-vm-shelved", "hoist-vm-paused")) {
            SourceVm vm = vm(name);
            assertThatThrownBy(() -> source.openDisk(vm, vm.disks().getFirst(), null))
                    .isInstanceOfSatisfying(HoistException.class, e -> {
                        assertThat(e.code()).isEqualTo("VMStatusUnsupported");
                        assertThat(e.getMessage()).containsAnyOf("unshelve it", "unpause it");
                    });
            assertThatThrownBy(() -> source.powerOff(vm)).isInstanceOf(HoistException.class)
                    .hasMessageContaining(name.endsWith("shelved") ? "SHELVED" : "PAUSED");
        }
        assertThat(vm("hoist-vm-shelved").powerState()).isEqualTo(PowerState.OFF);
        assertThat(vm("hoist-vm-paused").powerState()).isEqualTo(PowerState.ON);
    }

    @Test
    void powerOffAndOnThroughNova() {
        SourceVm vm = vm("hoist-vm-no-flavor");
        source.powerOff(vm);
        assertThat(source.powerState(vm)).isEqualTo(PowerState.OFF);
        source.powerOn(vm);
        assertThat(source.powerState(vm)).isEqualTo(PowerState.ON);
    }

    private static SourceDisk disk(SourceVm vm, String volumeName) {
        String id = bed.volumeId(volumeName);
        return vm.disks().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    /** Reads the disk up to {@code upTo} in 8 MiB ranges and compares each with the expected raw file. */
    static void assertSameBytes(DiskReader r, Path expected, long upTo) throws IOException {
        assertThat(r.size()).isEqualTo(Files.size(expected));
        long size = Math.min(upTo, r.size());
        ByteBuffer got = ByteBuffer.allocate(8 * MIB);
        ByteBuffer want = ByteBuffer.allocate(8 * MIB);
        try (FileChannel ch = FileChannel.open(expected)) {
            for (long off = 0; off < size; off += got.capacity()) {
                got.clear().limit((int) Math.min(got.capacity(), size - off));
                want.clear().limit(got.limit());
                while (got.hasRemaining()) {
                    int n = r.read(off + got.position(), got);
                    assertThat(n).as("read at " + (off + got.position())).isPositive();
                }
                while (want.hasRemaining()) {
                    ch.read(want, off + want.position());
                }
                if (!got.flip().equals(want.flip())) {
                    throw new AssertionError("bytes differ in the 8 MiB range at offset " + off);
                }
            }
        }
    }
}
