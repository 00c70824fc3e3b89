package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.Extent;
import io.hoist.core.transfer.copy.CopyOptions;
import io.hoist.core.transfer.copy.CopyRequest;
import io.hoist.core.transfer.copy.CopyResult;
import io.hoist.core.transfer.copy.DiskCopier;
import io.hoist.plugin.ovirt.testsupport.Images;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import io.hoist.testkit.HostContextTestDouble;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold reads through image transfers and imageio against the test engine, with real qemu-img images; the faults of
 * issue 16 (1% of requests dropped, a transfer paused by the engine, a ticket expiring mid-copy): each copy ends
 * checksum-equal or fails with the engine's reason, and no image transfer is ever left open.
 */
class OvirtColdTest {
    static final String DISK = "738dc6a9-c7ff-4bd4-8f37-d0e4fdc0ff76"; // vm_off's disk, 44 MiB (recorded)
    static OvirtEngineTestServer engine;
    static Path dir;
    static Path raw;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
        dir = Files.createTempDirectory("hoist-ovirt-cold");
        raw = Images.qcow2AndRaw(dir, "vm_off", 46137344L, "1M 3M 0xab", "30M 512k 0x5c", "44992k 64k 0x11");
        engine.setImage(DISK, raw);
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @AfterEach
    void nothingLeftOpen() {
        engine.imageio.dropRate(0);
        assertThat(engine.open()).as("image transfers and backups left open").isEmpty();
    }

    private static CopyResult copy(DiskReader reader, Path target, CopyOptions options) throws Exception {
        try (DiskWriter w = OvirtTestHosts.withTransferEngine().diskIo().createFile(target, reader.size())) {
            return DiskCopier.copy(CopyRequest.builder("d", reader, w).options(options).build());
        }
    }

    @Test
    void describesTheRecordedVm() {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(null, "vm_off")).orElseThrow();
            assertThat(vm.id()).isEqualTo(OvirtEngineTestServer.VM_OFF);
            assertThat(s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow()).isEqualTo(vm);
            assertThat(s.describe(new VmRef("00000000-0000-0000-0000-000000000001", "nope"))).isEmpty();
            assertThat(vm.powerState()).isEqualTo(PowerState.OFF);
            assertThat(vm.memoryBytes()).isEqualTo(1073741824L);
            assertThat(vm.disks()).singleElement().satisfies(d -> {
                assertThat(d.id()).isEqualTo(DISK);
                assertThat(d.capacity()).isEqualTo(46137344L);
                assertThat(d.storageId()).isEqualTo("723b4112-1502-4b01-83a7-2ba87d1bbb35");
                assertThat(d.bus()).isEqualTo("virtio");
                assertThat(d.bootOrder()).isEqualTo(1);
            });
            assertThat(vm.nics()).singleElement().satisfies(n -> {
                assertThat(n.mac()).isEqualTo("00:1a:4a:16:01:04");
                assertThat(n.networkName()).isEqualTo("ovirtmgmt");
                assertThat(n.networkId()).isNotBlank();
            });
            // preserveClusterCpuModel: the libvirt model of the cluster's family (Intel Skylake Server IBRS SSBD
            // Family, level 4.3) from the engine's ServerCPUList, without its flags
            assertThat(vm.cpuModel()).as("the cluster's CPU model").isEqualTo("Skylake-Server");
        }
    }

    @Test
    void aCustomCpuModelWinsAndAnUnknownFamilyGivesNoModelWithAWarning() {
        engine.editVm(OvirtEngineTestServer.VM_OFF, vm -> vm.appendChild(vm.getOwnerDocument().createElement("custom_cpu_model"))
                .setTextContent("Haswell-noTSX,+vmx"), "VM vm_off was updated by admin@internal");
        try (OvirtSource s = OvirtTestHosts.source(OvirtTestHosts.withTransferEngine(), engine)) {
            assertThat(s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow().cpuModel()).isEqualTo("Haswell-noTSX");
        } finally {
            engine.editVm(OvirtEngineTestServer.VM_OFF, vm -> vm.removeChild(vm.getElementsByTagName("custom_cpu_model").item(0)), "back");
        }
        engine.setServerCpuList("4.3", "6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere:x86_64;");
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            assertThat(s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow().cpuModel())
                    .as("never the family's display name, which KubeVirt cannot schedule").isNull();
            assertThat(host.logLines).anyMatch(l -> l.startsWith("WARNING") && l.contains("newd1_cluster")
                    && l.contains("Intel Skylake Server IBRS SSBD Family") && l.contains("preserveClusterCpuModel"));
        } finally {
            engine.setServerCpuList("4.3", null);
        }
    }

    @Test
    void downloadsByteForByteWithTheRealAllocationMap() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow();
            SourceDisk disk = vm.disks().get(0);
            Path target = dir.resolve("target.raw");
            try (DiskReader r = s.openDisk(vm, disk, null)) {
                List<long[]> ours = new ArrayList<>();
                for (Extent e : r.extents(0, r.size())) {
                    long zero = e.zero() ? 1 : 0;
                    if (!ours.isEmpty() && ours.get(ours.size() - 1)[2] == zero) {
                        ours.get(ours.size() - 1)[1] += e.length();
                    } else {
                        ours.add(new long[] {e.offset(), e.length(), zero});
                    }
                }
                List<long[]> nbd = Images.nbdMap(dir.resolve("vm_off.qcow2"));
                assertThat(ours).as("imageio extents vs qemu-nbd + nbdinfo --map").usingRecursiveFieldByFieldElementComparator()
                        .isEqualTo(nbd);
                assertThat(ours.stream().filter(e -> e[2] == 0).mapToLong(e -> e[1]).sum()).isEqualTo((3 << 20) + (512 << 10) + (64 << 10));
                CopyResult result = copy(r, target, CopyOptions.DEFAULT);
                assertThat(result.sourceChecksum()).isEqualTo(result.targetChecksum());
                assertThat(result.bytesRead()).as("zeros are never read").isLessThan(8L << 20);
            }
            assertThat(Images.sha256(target)).isEqualTo(Images.sha256(raw));
        }
    }

    @Test
    void aRunningVmsLiveDiskIsRefusedWithoutATransfer() {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            int before = engine.transfersStarted();
            assertThatThrownBy(() -> s.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("is up");
            assertThat(engine.transfersStarted()).isEqualTo(before);
        }
    }

    @Test
    void onePercentOfRequestsDroppedStillCopiesEveryByte() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        engine.imageio.dropRate(0.01);
        long droppedBefore = engine.imageio.dropped.get();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow();
            Path target = dir.resolve("target-drops.raw");
            CopyResult result;
            try (DiskReader r = s.openDisk(vm, vm.disks().get(0), null)) {
                // 64 KiB requests over the whole disk (no allocation map): ~700 requests, so some are dropped
                result = DiskCopier.copy(CopyRequest.builder("d", new AllData(r), host.diskIo().createFile(target, r.size()))
                        .options(CopyOptions.DEFAULT.withRequestSize(64 * 1024)).build());
            }
            assertThat(engine.imageio.dropped.get() - droppedBefore).as("requests dropped").isPositive();
            assertThat(result.retries()).isPositive();
            assertThat(Images.sha256(target)).isEqualTo(Images.sha256(raw));
        }
    }

    @Test
    void aTicketExpiringMidCopyIsReplacedAndTheCopyCompletes() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow();
            Path target = dir.resolve("target-expired.raw");
            int before = engine.transfersStarted();
            engine.imageio.expireNextTicketAfter(1 << 20);
            try (DiskReader r = s.openDisk(vm, vm.disks().get(0), null)) {
                CopyResult result = copy(new AllData(r), target, CopyOptions.DEFAULT.withRequestSize(256 * 1024));
                assertThat(result.sourceChecksum()).isEqualTo(result.targetChecksum());
            }
            assertThat(engine.transfersStarted() - before).as("a second transfer replaced the expired one").isEqualTo(2);
            assertThat(Images.sha256(target)).isEqualTo(Images.sha256(raw));
        }
    }

    @Test
    void aTransferPausedByTheEngineFailsWithTheEnginesPhase() throws Exception {
        HostContextTestDouble host = OvirtTestHosts.withTransferEngine();
        try (OvirtSource s = OvirtTestHosts.source(host, engine)) {
            SourceVm vm = s.describe(new VmRef(OvirtEngineTestServer.VM_OFF, null)).orElseThrow();
            engine.pauseNextTransferAfter(1 << 20);
            Path target = dir.resolve("target-paused.raw");
            try (DiskReader r = s.openDisk(vm, vm.disks().get(0), null)) {
                assertThatThrownBy(() -> copy(new AllData(r), target, CopyOptions.DEFAULT.withRequestSize(64 * 1024)
                        .withRetries(3, 10, java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200))))
                        .hasStackTraceContaining("paused_system");
            }
        }
    }

    /** The reader without its allocation map, so every byte is requested (more requests for the fault tests). */
    private record AllData(DiskReader r) implements DiskReader {
        @Override public long size() throws java.io.IOException { return r.size(); }
        @Override public int read(long offset, java.nio.ByteBuffer dst) throws java.io.IOException { return r.read(offset, dst); }
        @Override public String describe() { return r.describe(); }
        @Override public void close() { }
    }
}
