package io.hoist.plugin.ova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.Firmware;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceNic;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.ova.inventory.StableIds;
import io.hoist.plugin.ova.location.NfsMounter;
import io.hoist.plugin.ova.testing.DiskImages;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.ova.testing.QemuImg;
import io.hoist.testkit.RecordingInventoryPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider over a real folder: an OVA built with {@link OvaWriter} around qemu-img VMDKs (a compressed
 * disk and a flat disk inside the tar), an unpacked OVF folder with a flat VMDK, a deeply nested OVA with a
 * blank disk, and a broken archive that must not hide the others.
 */
class OvaSourceTest {
    static final long DISK1 = (1L << 20) + 4096 + 512;
    static final long DISK2 = 3L * DiskImages.BLOCK;
    static final long DB_DISK = (2L << 20) + 12345;

    @TempDir
    static Path tmp;
    static Path root;
    static Map<String, String> reference; // disk file -> sha256 of qemu-img convert -O raw

    @BeforeAll
    static void buildProviderFolder() throws IOException {
        root = Files.createDirectories(tmp.resolve("share"));
        Path work = Files.createDirectories(tmp.resolve("build"));

        Path web1 = QemuImg.toVmdk(DiskImages.raw(work.resolve("w1.raw"), DISK1, 1), work.resolve("web01-disk1.vmdk"),
                "streamOptimized");
        Path web2 = QemuImg.toVmdk(DiskImages.raw(work.resolve("w2.raw"), DISK2, 2), work.resolve("web01-disk2.vmdk"),
                "monolithicFlat");
        String ovf = new OvfBuilder("web01").cpus(4, 2).memoryMiB(2048).firmware("efi").osType("rhel9_64Guest")
                .config("cpuHotAddEnabled", "true")
                .disk("web01-disk1.vmdk", 1L << 30).disk("web01-disk2.vmdk", DISK2, OvfBuilder.VMDK)
                .nic("VM Network", "00:50:56:AA:00:01").nic("lan-20", "00:50:56:aa:00:02", "E1000e").build();
        Files.createDirectories(root.resolve("appliances"));
        OvaWriter.to(root.resolve("appliances/web01.ova")).ovf("web01.ovf", ovf)
                .file("web01-disk1.vmdk", web1).file("web01-disk2.vmdk", web2)
                .file("web01-disk2-flat.vmdk", work.resolve("web01-disk2-flat.vmdk")).write();

        Path db = Files.createDirectories(root.resolve("unpacked/db01"));
        Path dbVmdk = QemuImg.toVmdk(DiskImages.raw(work.resolve("db.raw"), DB_DISK, 3), db.resolve("db01.vmdk"),
                "monolithicFlat");
        Files.writeString(db.resolve("db01.ovf"), new OvfBuilder("db01").cpus(2, 2).memoryMiB(4096)
                .disk("db01.vmdk", DB_DISK, OvfBuilder.VMDK).nic("VM Network", "00:50:56:aa:00:03").build());

        Path deep = Files.createDirectories(root.resolve("a/b/c/d"));
        Path blank = work.resolve("nested.ovf");
        Files.writeString(blank, new OvfBuilder("nested").build().replace("</DiskSection>",
                "<Disk ovf:capacity=\"1\" ovf:capacityAllocationUnits=\"byte * 2^20\" ovf:diskId=\"blank\"/></DiskSection>")
                .replace("</VirtualHardwareSection>", "<Item><rasd:ElementName>Hard disk 1</rasd:ElementName>"
                        + "<rasd:HostResource>ovf:/disk/blank</rasd:HostResource><rasd:InstanceID>9</rasd:InstanceID>"
                        + "<rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item></VirtualHardwareSection>"));
        OvaWriter.to(deep.resolve("nested.ova")).ovf("nested.ovf", Files.readString(blank)).write();

        Files.writeString(root.resolve("broken.ova"), "this is not a tar archive");

        reference = Map.of(
                "web01-disk1.vmdk", DiskImages.sha256(QemuImg.toRaw(web1, work.resolve("r1.raw"))),
                "web01-disk2.vmdk", DiskImages.sha256(QemuImg.toRaw(web2, work.resolve("r2.raw"))),
                "db01.vmdk", DiskImages.sha256(QemuImg.toRaw(dbVmdk, work.resolve("r3.raw"))));
    }

    static ProviderConfig config(String url) {
        return new ProviderConfig("uid-1", "konveyor-forklift", "ova-src", "ova", url, Map.of(), Map.of());
    }

    static OvaSource provider(String url, Path workDir) {
        return (OvaSource) new OvaProviderFactory().create(config(url), new HostContextTestDouble(workDir));
    }

    static String id(String relativePath, String vs) {
        return StableIds.vm(relativePath, vs);
    }

    @Test
    @SuppressWarnings("unchecked")
    void publishesVmsNetworksDisksStorageAndWorkloadsInMtvFieldNames() throws Exception {
        RecordingInventoryPublisher pub = new RecordingInventoryPublisher();
        try (OvaSource p = provider(root.toString(), tmp.resolve("w1"))) {
            p.collectInventory(pub);
        }
        assertThat(pub.calls.get(0)).isEqualTo("begin");
        assertThat(pub.calls.get(pub.calls.size() - 1)).isEqualTo("end");
        assertThat(pub.failure).isNull();

        String web = id("appliances/web01.ova", "web01");
        String db = id("unpacked/db01/db01.ovf", "db01");
        String nested = id("a/b/c/d/nested.ova", "nested");
        assertThat(pub.collection("vms")).containsOnlyKeys(web, db, nested);
        assertThat(pub.workloads).containsOnlyKeys(web, db, nested);

        Map<String, Object> w = pub.doc("vms", web);
        assertThat(w).containsEntry("name", "web01").containsEntry("cpuCount", 4).containsEntry("coresPerSocket", 2)
                .containsEntry("memoryMB", 2048L).containsEntry("firmware", "efi").containsEntry("osType", "rhel9_64Guest")
                .containsEntry("ovaSource", "VMware").containsEntry("exportSource", "VMware")
                .containsEntry("cpuHotAddEnabled", true).containsEntry("cpuHotRemoveEnabled", false)
                .containsEntry("memoryHotAddEnabled", false).containsEntry("cpuAffinity", List.of())
                .containsEntry("ovaPath", "appliances/web01.ova");
        assertThat(pub.workloads.get(web)).isEqualTo(w);
        assertThat((List<Object>) w.get("nics")).containsExactly(
                Map.of("name", "Network adapter 1", "mac", "00:50:56:aa:00:01", "network", "VM Network", "model", "VmxNet3"),
                Map.of("name", "Network adapter 2", "mac", "00:50:56:aa:00:02", "network", "lan-20", "model", "E1000e"));
        List<Map<String, Object>> disks = (List<Map<String, Object>>) w.get("disks");
        assertThat(disks).extracting(d -> d.get("capacity")).containsExactly(1L << 30, DISK2);
        assertThat(disks).extracting(d -> d.get("file")).containsExactly("web01-disk1.vmdk", "web01-disk2.vmdk");
        assertThat(disks.get(0).get("fileSize")).isEqualTo(Files.size(tmp.resolve("build/web01-disk1.vmdk")));

        assertThat(pub.collection("networks")).containsOnlyKeys(StableIds.network("VM Network"), StableIds.network("lan-20"));
        assertThat(pub.doc("networks", StableIds.network("lan-20"))).containsEntry("name", "lan-20");
        assertThat(pub.collection("disks")).hasSize(4);
        assertThat(pub.collection("storages")).hasSize(1);
        // As the seed's StorageMap names it: source.name "Dummy storage for source provider <provider name>".
        assertThat(pub.doc("storages", "Dummy storage for source provider ova-src"))
                .containsEntry("name", "Dummy storage for source provider ova-src").containsEntry("providerUid", "uid-1");
    }

    @Test
    void idsAreStableAcrossInstancesAndFilesThatVanishAreRemoved() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share2"));
        Files.copy(root.resolve("appliances/web01.ova"), share.resolve("web01.ova"));
        Files.copy(root.resolve("appliances/web01.ova"), share.resolve("copy.ova"));
        RecordingInventoryPublisher first = new RecordingInventoryPublisher();
        RecordingInventoryPublisher second = new RecordingInventoryPublisher();
        try (OvaSource a = provider(share.toString(), tmp.resolve("wa"));
             OvaSource b = provider("file://" + share, tmp.resolve("wb"))) {
            a.collectInventory(first);
            b.collectInventory(second);
            assertThat(first.collection("vms").keySet()).isEqualTo(second.collection("vms").keySet()).hasSize(2);
            // The same OVF at two paths is two VMs: the path is part of the id.
            assertThat(first.collection("vms")).containsOnlyKeys(id("web01.ova", "web01"), id("copy.ova", "web01"));
            assertThatThrownBy(() -> a.describe(new VmRef(null, "web01")))
                    .isInstanceOf(HoistException.class).hasMessageContaining("copy.ova").hasMessageContaining("web01.ova")
                    .hasMessageContaining("name 'web01'")
                    .extracting(e -> ((HoistException) e).code()).isEqualTo("VMNameAmbiguous");

            // An OVF whose VirtualSystem id is a UUID is also found by that id, as MTV names it.
            String ovfUuid = "42256329-8c3a-2a82-54fd-01d845a8bf49";
            Files.writeString(share.resolve("uuid.ovf"), new OvfBuilder("by-uuid").id(ovfUuid).build());
            assertThat(a.describe(new VmRef(ovfUuid, null))).get()
                    .satisfies(v -> assertThat(v.name()).isEqualTo("by-uuid"))
                    .satisfies(v -> assertThat(v.id()).isEqualTo(id("uuid.ovf", ovfUuid)));
            Files.delete(share.resolve("uuid.ovf"));

            Files.delete(share.resolve("copy.ova"));
            a.collectInventory(first);
            assertThat(first.calls).contains("remove vms/" + id("copy.ova", "web01"));
            assertThat(first.collection("vms")).containsOnlyKeys(id("web01.ova", "web01"));
            assertThat(first.collection("networks")).hasSize(2);
        }
    }

    @Test
    void describesVmsAndReadsEveryDiskAsQemuImgDoes() throws Exception {
        try (OvaSource p = provider(root.toString(), tmp.resolve("w2"))) {
            SourceVm web = p.describe(new VmRef(null, "web01")).orElseThrow();
            assertThat(web.id()).isEqualTo(id("appliances/web01.ova", "web01"));
            assertThat(web.sockets()).isEqualTo(2);
            assertThat(web.coresPerSocket()).isEqualTo(2);
            assertThat(web.memoryBytes()).isEqualTo(2048L << 20);
            assertThat(web.firmware()).isEqualTo(Firmware.EFI);
            assertThat(web.powerState()).isEqualTo(PowerState.OFF);
            assertThat(web.nics()).extracting(SourceNic::mac, SourceNic::networkName, SourceNic::networkId).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("00:50:56:aa:00:01", "VM Network", StableIds.network("VM Network")),
                    org.assertj.core.groups.Tuple.tuple("00:50:56:aa:00:02", "lan-20", StableIds.network("lan-20")));
            assertThat(web.disks()).extracting(SourceDisk::storageId)
                    .containsOnly("Dummy storage for source provider ova-src");
            assertThat(p.describe(new VmRef(web.id(), null))).contains(web);
            assertThat(p.describe(new VmRef("no-such-id", "no-such-name"))).isEmpty();

            for (SourceDisk d : web.disks()) {
                try (DiskReader r = p.openDisk(web, d, null)) {
                    assertThat(DiskImages.sha256(r, 1 << 20)).as(d.name()).isEqualTo(reference.get(d.name()));
                }
            }
            SourceVm db = p.describe(new VmRef(null, "db01")).orElseThrow();
            // The OVF says 2 MiB + 12345 bytes; qemu-img rounded the VMDK up to whole sectors: the target
            // disk must hold every byte the reader yields.
            assertThat(db.disks().get(0).capacity()).isEqualTo((DB_DISK + 511) / 512 * 512);
            try (DiskReader r = p.openDisk(db, db.disks().get(0), null)) {
                assertThat(DiskImages.sha256(r, 77_777)).isEqualTo(reference.get("db01.vmdk"));
                assertThat(r.extents(0, r.size())).anyMatch(Extent::zero);
            }
            SourceVm nested = p.describe(new VmRef(null, "nested")).orElseThrow();
            try (DiskReader r = p.openDisk(nested, nested.disks().get(0), null)) {
                assertThat(r.size()).isEqualTo(1L << 20);
                assertThat(r.extents(0, r.size())).containsExactly(Extent.zeros(0, 1L << 20));
            }

            assertThatThrownBy(() -> p.openDisk(web, web.disks().get(0), new SnapshotRef("s", Map.of())))
                    .isInstanceOf(HoistException.class)
                    .extracting(e -> ((HoistException) e).type()).isEqualTo(HoistException.Type.NOT_SUPPORTED);
            assertThat(p).isNotInstanceOf(io.hoist.api.source.Snapshots.class);
            p.powerOff(web);
            p.powerOn(web);
            assertThat(p.powerState(web)).isEqualTo(PowerState.OFF);
        }
    }

    @Test
    void aMissingDiskFileIsAClearErrorNotAnEmptyDisk() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share3/vm"));
        Files.writeString(share.resolve("vm.ovf"), new OvfBuilder("lonely").disk("gone.vmdk", 1 << 20).build());
        try (OvaSource p = provider(tmp.resolve("share3").toString(), tmp.resolve("w3"))) {
            SourceVm vm = p.describe(new VmRef(null, "lonely")).orElseThrow();
            assertThatThrownBy(() -> p.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("gone.vmdk")
                    .extracting(e -> ((HoistException) e).code()).isEqualTo("DiskFileMissing");
        }
    }

    @Test
    void gzipCompressedFileReferencesAreRefusedClearly() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share4"));
        Files.writeString(share.resolve("gz.ovf"), new OvfBuilder("gz").disk("gz.vmdk.gz", 1 << 20).build()
                .replace("ovf:id=\"file1\"", "ovf:id=\"file1\" ovf:compression=\"gzip\""));
        Files.write(share.resolve("gz.vmdk.gz"), new byte[100]);
        try (OvaSource p = provider(share.toString(), tmp.resolve("w9"))) {
            SourceVm vm = p.describe(new VmRef(null, "gz")).orElseThrow();
            assertThatThrownBy(() -> p.openDisk(vm, vm.disks().get(0), null)).isInstanceOf(HoistException.class)
                    .hasMessageContaining("gzip").hasMessageContaining("gz.vmdk.gz")
                    .extracting(e -> ((HoistException) e).code()).isEqualTo("DiskFormatNotSupported");
        }
    }

    @Test
    void connectionTestAndUrlValidation() {
        OvaProviderFactory f = new OvaProviderFactory();
        try (OvaSource ok = provider(root.toString(), tmp.resolve("w4"))) {
            assertThat(ok.testConnection()).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo("ConnectionTestSucceeded");
                assertThat(c.status()).isEqualTo("True");
            });
        }
        try (OvaSource missing = provider(tmp.resolve("nope").toString(), tmp.resolve("w5"))) {
            assertThat(missing.testConnection()).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("False");
                assertThat(c.reason()).isEqualTo("ProviderNotReady");
                assertThat(c.message()).contains("nope").contains("does not exist");
            });
        }
        try (OvaSource bad = provider("relative/dir", tmp.resolve("w6"))) {
            assertThat(bad.testConnection()).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("False");
                assertThat(c.reason()).isEqualTo("UrlNotValid");
            });
        }
        assertThat(f.validate(config("relative/dir"))).singleElement()
                .satisfies(c -> assertThat(c.type()).isEqualTo("UrlNotValid"))
                .satisfies(c -> assertThat(c.message()).startsWith("url:"));
        assertThat(f.validate(config("nfs.example.com:/exports/ova"))).isEmpty();
        assertThat(f.validate(config(""))).singleElement().satisfies(c -> assertThat(c.message()).contains("required"));
        // MTV puts the NFS URL in the secret as well; it is used when spec.url is empty.
        assertThat(f.validate(new ProviderConfig("u", "ns", "n", "ova", "", Map.of(), Map.of("url", "10.0.0.5:/ova"))))
                .isEmpty();
    }

    @Test
    void nfsWithoutRootOrNfsCommonIsAClearProviderCondition() {
        ProviderConfig nfs = config("nfs.example.com:/exports/ova");
        NfsMounter notRoot = new NfsMounter(List.of(Path.of("/bin/true")), false, 5);
        try (OvaSource p = new OvaSource(nfs, new HostContextTestDouble(tmp.resolve("w7")), notRoot)) {
            List<Condition> c = p.testConnection();
            assertThat(c).singleElement().satisfies(x -> {
                assertThat(x.status()).isEqualTo("False");
                assertThat(x.reason()).isEqualTo("NfsMountNotPossible");
                assertThat(x.message()).contains("nfs.example.com:/exports/ova").contains("root");
            });
        }
        NfsMounter noHelper = new NfsMounter(List.of(tmp.resolve("no/mount.nfs")), true, 5);
        try (OvaSource p = new OvaSource(nfs, new HostContextTestDouble(tmp.resolve("w8")), noHelper)) {
            assertThat(p.testConnection()).singleElement().satisfies(x -> {
                assertThat(x.reason()).isEqualTo("NfsMountNotPossible");
                assertThat(x.message()).contains("nfs-common");
            });
            RecordingInventoryPublisher pub = new RecordingInventoryPublisher();
            assertThatThrownBy(() -> p.collectInventory(pub)).isInstanceOf(HoistException.class);
            assertThat(pub.failure).contains("nfs-common");
        }
    }
}
