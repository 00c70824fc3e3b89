package io.hoist.plugin.ova.ovf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.plugin.ova.OvfBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OvfParserTest {
    private static byte[] fixture() throws IOException {
        try (InputStream in = OvfParserTest.class.getResourceAsStream("/vsphere-export.ovf")) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsAVsphereExport() throws IOException {
        OvfEnvelope env = OvfParser.parse(fixture(), "vsphere-export.ovf");
        assertThat(env.exportSource()).isEqualTo("VMware");
        assertThat(env.files()).extracting(OvfEnvelope.File::href)
                .containsExactly("db01-disk1.vmdk", "db01-disk2.vmdk", "db01-file1.nvram");
        assertThat(env.disks()).extracting(OvfEnvelope.Disk::capacityBytes).containsExactly(16L << 30, 512L << 20);
        assertThat(env.networks()).extracting(OvfEnvelope.Network::name).containsExactly("VM Network", "Storage-VLAN-20");

        OvfEnvelope.VirtualSystem vm = env.systems().get(0);
        assertThat(vm.id()).isEqualTo("db01");
        assertThat(vm.name()).isEqualTo("db01");
        assertThat(vm.osType()).isEqualTo("rhel8_64Guest");
        assertThat(vm.osDescription()).isEqualTo("Red Hat Enterprise Linux 8 (64-bit)");
        assertThat(vm.cpuCount()).isEqualTo(8);
        assertThat(vm.coresPerSocket()).isEqualTo(4);
        assertThat(vm.memoryBytes()).isEqualTo(16384L << 20);
        assertThat(vm.firmware()).isEqualTo("efi");
        assertThat(vm.secureBoot()).isTrue();
        assertThat(vm.cpuHotAddEnabled()).isTrue();
        assertThat(vm.cpuHotRemoveEnabled()).isFalse();
        assertThat(vm.memoryHotAddEnabled()).isTrue();
        assertThat(vm.cpuAffinity()).containsExactly(0, 2);
        assertThat(vm.config()).containsEntry("firmware", "efi").doesNotContainKeys("wakeOnLanEnabled", "backing.writeThrough");
        assertThat(vm.disks()).containsExactly(
                new OvfEnvelope.AttachedDisk("vmdisk1", "Hard disk 1", "scsi", 0),
                new OvfEnvelope.AttachedDisk("vmdisk2", "Hard disk 2", "sata", 1));
        // MACs normalized to lower case; the per-item vmw:Config of a NIC is not mistaken for VM config.
        assertThat(vm.nics()).containsExactly(
                new OvfEnvelope.Nic("Network adapter 1", "00:50:56:ab:01:02", "VM Network", "VmxNet3"),
                new OvfEnvelope.Nic("Network adapter 2", "00:50:56:ab:01:03", "Storage-VLAN-20", "E1000e"));
    }

    @Test
    void builderOutputRoundTripsAndNonVmwareIsRecognised() throws IOException {
        String xml = new OvfBuilder("web 1").id("vm-7").cpus(6, 3).memoryMiB(3072).firmware("bios")
                .disk("a.vmdk", 5L << 30).nic("lan", "52:54:00:12:34:56").build();
        OvfEnvelope env = OvfParser.parse(xml.getBytes(StandardCharsets.UTF_8), "built.ovf");
        OvfEnvelope.VirtualSystem vm = env.systems().get(0);
        assertThat(vm.id()).isEqualTo("vm-7");
        assertThat(vm.name()).isEqualTo("web 1");
        assertThat(vm.cpuCount()).isEqualTo(6);
        assertThat(vm.coresPerSocket()).isEqualTo(3);
        assertThat(vm.memoryBytes()).isEqualTo(3072L << 20);
        assertThat(vm.firmware()).isEqualTo("bios");
        assertThat(env.disks().get(0).capacityBytes()).isEqualTo(5L << 30);
        assertThat(env.exportSource()).isEqualTo("VMware");

        String vbox = xml.replace("vmx-19", "virtualbox-2.2").replace(" xmlns:vmw=\"http://www.vmware.com/schema/ovf\"",
                " xmlns:vmw=\"http://www.vmware.com/schema/ovf\" xmlns:vbox=\"http://www.virtualbox.org/ovf/machine\"");
        assertThat(OvfParser.parse(vbox.getBytes(StandardCharsets.UTF_8), "vbox.ovf").exportSource()).isEqualTo("VirtualBox");
    }

    @Test
    void badInputGetsAnErrorNamingTheFileAndField() {
        String xml = new OvfBuilder("x").disk("a.vmdk", 1024).build().replace("capacityAllocationUnits=\"byte\"",
                "capacityAllocationUnits=\"furlongs\"");
        assertThatThrownBy(() -> OvfParser.parse(xml.getBytes(StandardCharsets.UTF_8), "pkg/x.ovf"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("pkg/x.ovf").hasMessageContaining("DiskSection/Disk[vmdisk1]/capacity")
                .hasMessageContaining("furlongs");
        assertThatThrownBy(() -> OvfParser.parse("<notovf/>".getBytes(StandardCharsets.UTF_8), "y.ovf"))
                .hasMessageContaining("y.ovf").hasMessageContaining("Envelope");
        // External entities are refused: a descriptor must not make Hoist read local files.
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Envelope>&x;</Envelope>";
        assertThatThrownBy(() -> OvfParser.parse(xxe.getBytes(StandardCharsets.UTF_8), "z.ovf"))
                .isInstanceOf(IOException.class).hasMessageContaining("z.ovf");
    }

    @Test
    void allocationUnits() {
        assertThat(AllocationUnits.bytesPerUnit("byte * 2^30", 1, "f")).isEqualTo(1L << 30);
        assertThat(AllocationUnits.bytesPerUnit("byte*2^20", 1, "f")).isEqualTo(1L << 20);
        assertThat(AllocationUnits.bytesPerUnit("byte * 10^6", 1, "f")).isEqualTo(1_000_000L);
        assertThat(AllocationUnits.bytesPerUnit("MegaBytes", 1, "f")).isEqualTo(1L << 20);
        assertThat(AllocationUnits.bytesPerUnit(null, 7, "f")).isEqualTo(7);
        assertThatThrownBy(() -> AllocationUnits.bytesPerUnit("hertz * 10^6", 1, "memory"))
                .hasMessageContaining("memory").hasMessageContaining("hertz");
    }
}
