package io.hoist.plugin.v2v.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.convert.GuestInspection;
import io.hoist.api.source.Firmware;
import org.junit.jupiter.api.Test;

class V2vFactsTest {
    @Test
    void readsTheInspectionBlockAndGuestCapabilities() {
        V2vFacts f = new V2vFacts();
        for (String line : """
                libguestfs: trace: v2v: inspect_get_distro = "debian"
                i_root = /dev/sda1
                i_type = linux
                i_distro = debian
                i_osinfo = debian12
                i_arch = x86_64
                i_major_version = 12
                i_minor_version = 15
                i_package_format = deb
                i_package_management = apt
                i_product_name = 12.15
                i_product_variant = unknown
                i_firmware = BIOS
                i_windows_systemroot =\s
                libguestfs: trace: v2v: write "/usr/lib/virt-sysprep/scripts/5000-0003-install-qga" "..."
                gcaps_block_bus = virtio-blk
                gcaps_net_bus = virtio-net
                """.lines().toList()) {
            f.accept(line);
        }
        GuestInspection g = f.inspection();
        assertThat(f.inspected()).isTrue();
        assertThat(g.osType()).isEqualTo("linux");
        assertThat(g.distro()).isEqualTo("debian");
        assertThat(g.osInfo()).isEqualTo("debian12");
        assertThat(g.version()).isEqualTo("12.15");
        assertThat(g.arch()).isEqualTo("x86_64");
        assertThat(g.firmware()).isEqualTo(Firmware.BIOS);
        assertThat(g.packageFormat()).isEqualTo("deb");
        assertThat(g.virtioInstalled()).isTrue();
        assertThat(g.guestAgent()).isTrue();
        assertThat(f.error()).isNull();
    }

    @Test
    void uefiGuestsAndMissingVirtioAreSaid() {
        V2vFacts f = new V2vFacts();
        f.accept("i_type = windows");
        f.accept("i_firmware = UEFI");
        f.accept("gcaps_block_bus = ide");
        f.accept("gcaps_net_bus = e1000");
        assertThat(f.inspection().firmware()).isEqualTo(Firmware.EFI);
        assertThat(f.inspection().virtioInstalled()).isFalse();
        assertThat(f.inspection().guestAgent()).isFalse();
    }

    @Test
    void keepsVirtV2vsWrappedErrorAndKnowsAGuestWithoutOperatingSystem() {
        V2vFacts f = new V2vFacts();
        f.accept("[   2.1] Inspecting the source");
        f.accept("virt-v2v-in-place: error: inspection could not detect the source guest (or physical machine).");
        f.accept("");
        f.accept("Assuming that you are running virt-v2v/virt-p2v on a source which is");
        f.accept("If reporting bugs, run virt-v2v with debugging enabled and include the");
        assertThat(f.error()).isEqualTo("inspection could not detect the source guest (or physical machine).");
        assertThat(f.noOperatingSystem()).isTrue();
        assertThat(f.inspected()).isFalse();

        V2vFacts other = new V2vFacts();
        other.accept("virt-v2v-in-place: error: not enough free space for conversion on filesystem ‘/’.  10.0 MB is free < 20 MB");
        other.accept("needed.");
        other.accept("");
        assertThat(other.error()).isEqualTo("not enough free space for conversion on filesystem ‘/’.  10.0 MB is free < 20 MB needed.");
        assertThat(other.noOperatingSystem()).isFalse();
        assertThat(other.applianceFailed()).isFalse();
    }

    @Test
    void anApplianceThatDidNotStartIsTheHostsFaultNotTheGuests() {
        V2vFacts f = new V2vFacts();
        f.accept("libguestfs: error: appliance closed the connection unexpectedly.");
        f.accept("libguestfs: error: guestfs_launch failed.");
        f.accept("virt-v2v-in-place: error: libguestfs error: guestfs_launch failed.");
        assertThat(f.applianceFailed()).isTrue();
        assertThat(f.noOperatingSystem()).isFalse();
    }
}
