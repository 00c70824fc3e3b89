package io.hoist.core.engine.run.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.convert.ConversionResult;
import io.hoist.api.convert.GuestInspection;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.source.Firmware;
import io.hoist.core.model.resource.VmStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestConversionTest {
    static TargetVmSpec spec() {
        return new TargetVmSpec("ns", "vm", "id", "vm", 1, 1, 1, 1L << 30, Firmware.BIOS, true, false, null, "virtio", "Halted",
                List.of(new TargetDisk("d0", "vm-disk-0", false, "disk-0", 1L << 30, "standard", null, null, 1)),
                List.of(new TargetNic("net-0", "00:50:56:00:00:01", "pod", null, "virtio")), Map.of("plan", "p"), Map.of(), null);
    }

    static VmStatus converted(Firmware firmware, boolean virtio, String osinfo) {
        VmStatus v = new VmStatus();
        v.pipeline = new ArrayList<>();
        GuestInspection g = new GuestInspection("windows", "windows", osinfo, "Windows Server 2022", "10.0", "x86_64", firmware, null,
                virtio, false);
        GuestConversion.record(v, "virt-v2v", new ConversionResult(g, false, null, Map.of(), List.of()), Map.of(), Map.of());
        return v;
    }

    @Test
    void aGuestWithoutVirtioDriversGetsEmulatedDevicesAndItsFirmware() {
        TargetVmSpec s = GuestConversion.apply(spec(), converted(Firmware.EFI, false, "win2k22"));
        assertThat(s.diskBus()).isEqualTo("sata");
        assertThat(s.nics()).allSatisfy(n -> assertThat(n.model()).isEqualTo("e1000e"));
        assertThat(s.firmware()).isEqualTo(Firmware.EFI);
        assertThat(s.secureBoot()).isTrue();
        assertThat(s.labels()).containsEntry("os.template.kubevirt.io/win2k22", "true").containsEntry("plan", "p");
    }

    @Test
    void virtioGuestsKeepVirtioAndBiosDropsSecureBoot() {
        TargetVmSpec s = GuestConversion.apply(spec(), converted(Firmware.BIOS, true, "debian12"));
        assertThat(s.diskBus()).isEqualTo("virtio");
        assertThat(s.nics().get(0).model()).isEqualTo("virtio");
        assertThat(s.secureBoot()).isFalse();
        assertThat(s.annotations()).containsEntry("vm.kubevirt.io/os", "debian12");
    }

    @Test
    void anUnconvertedVmIsLeftAsBuilt() {
        VmStatus v = new VmStatus();
        v.pipeline = new ArrayList<>();
        assertThat(GuestConversion.apply(spec(), v)).isEqualTo(spec());
        assertThat(GuestConversion.apply(spec(), converted(Firmware.BIOS, true, "not a label value!")).labels())
                .doesNotContainKey("os.template.kubevirt.io/not a label value!");
    }
}
