package io.hoist.plugin.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.provider.KeepsGuestDevices;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guest OS id from an image's os_distro/os_version, as MTV names the preference, and the shipped OS map. */
class GuestOsTest {
    @Test
    void distroAndVersionNameThePreferenceAsMtvDoes() {
        assertThat(GuestOs.id("rhel", "9.2")).isEqualTo("rhel.9");
        assertThat(GuestOs.id("RHEL", "8")).isEqualTo("rhel.8");
        assertThat(GuestOs.id("centos", "9")).isEqualTo("centos.stream9");
        assertThat(GuestOs.id("centos", "7.9")).as("CentOS 7 has no stream").isEqualTo("centos");
        assertThat(GuestOs.id("fedora", "39")).isEqualTo("fedora");
        assertThat(GuestOs.id("ubuntu", "22.04")).isEqualTo("ubuntu");
        assertThat(GuestOs.id("sled", "15")).isEqualTo("opensuse");
        assertThat(GuestOs.id("windows", "2k19")).isEqualTo("windows.2k19.virtio");
        assertThat(GuestOs.id("windows", "Server 2022")).isEqualTo("windows.2k22.virtio");
        assertThat(GuestOs.id("windows", "11")).isEqualTo("windows.11.virtio");
        assertThat(GuestOs.id("windows", "xp")).isEqualTo("windows.10.virtio");
        assertThat(GuestOs.id("rhel", null)).isEqualTo("rhel");
        assertThat(GuestOs.id("debian", "12")).isNull();
        assertThat(GuestOs.id(null, "12")).isNull();
    }

    @Test
    void theOsTypeFallsBackToTheImagesOsTypeWithoutAKnownDistro() {
        assertThat(OpenstackSource.osType(Map.of("os_distro", "rhel", "os_version", "9", "os_type", "linux"))).isEqualTo("rhel.9");
        assertThat(OpenstackSource.osType(Map.of("os_distro", "debian", "os_type", "linux"))).isEqualTo("linux");
        assertThat(OpenstackSource.osType(Map.of())).isNull();
    }

    @Test
    void theFactoryShipsAMapFromThoseIdsToKubevirtPreferencesAndKeepsGuestDevices() {
        OpenstackProviderFactory factory = new OpenstackProviderFactory();
        assertThat(factory).isInstanceOf(KeepsGuestDevices.class);
        Map<String, String> map = factory.defaultOsMap();
        assertThat(map).containsEntry(GuestOs.id("rhel", "9.4"), "rhel.9")
                .containsEntry(GuestOs.id("centos", "9"), "centos.stream9")
                .containsEntry(GuestOs.id("windows", "2019"), "windows.2k19.virtio")
                .containsEntry(GuestOs.id("fedora", "40"), "fedora")
                .containsEntry(GuestOs.id("sled", "15"), "opensuse.leap")
                .doesNotContainKey("linux");
    }
}
