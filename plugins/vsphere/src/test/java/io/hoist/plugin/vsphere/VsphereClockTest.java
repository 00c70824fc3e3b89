package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.VirtualMachineConfigSpec;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.vsphere.soap.VimSession;
import io.hoist.plugin.vsphere.soap.VimSoapClient.Arg;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The target VM's clock as MTV 2.10 sets it for vSphere: the time zone of the ESXi host the VM runs on
 * ({@code config.dateTimeInfo.timeZone.name}), the same for a Windows and a Linux guest (forklift's vSphere builder
 * does not look at the guest OS for the clock), and no zone when the host has none. The engine hands it on as
 * {@code TargetVmSpec.Identity.timezone} (PlanFieldsEngineTest) and the KubeVirt plugin renders it as
 * {@code spec.template.spec.domain.clock.timezone} (ManifestFidelityTest).
 */
class VsphereClockTest {
    static final String WINDOWS_VM = "DC0_H0_VM0";
    static final String LINUX_VM = "DC0_H0_VM1";

    @Test
    void windowsAndLinuxVmsGetTheTimeZoneOfTheirHost() throws Exception {
        try (Vcsim vcsim = Vcsim.start("-vm", "2", "-cluster", "0", "-host", "1", "-host-timezone", "Europe/Paris")) {
            setGuestId(vcsim, WINDOWS_VM, "windows9Server64Guest");
            setGuestId(vcsim, LINUX_VM, "rhel7_64Guest");
            try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
                SourceVm windows = src.describe(new VmRef(null, WINDOWS_VM)).orElseThrow();
                SourceVm linux = src.describe(new VmRef(null, LINUX_VM)).orElseThrow();
                assertThat(windows.osType()).isEqualTo("windows9Server64Guest");
                assertThat(linux.osType()).isEqualTo("rhel7_64Guest");
                assertThat(windows.identity().timezone()).isEqualTo("Europe/Paris");
                assertThat(linux.identity().timezone()).isEqualTo("Europe/Paris");
            }
        }
    }

    @Test
    void aHostWithoutDateTimeInfoGivesNoZone() throws Exception {
        try (Vcsim vcsim = Vcsim.start("-vm", "1", "-cluster", "0", "-host", "1");
             VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            assertThat(src.describe(new VmRef(null, WINDOWS_VM)).orElseThrow().identity().timezone()).isNull();
        }
    }

    private static void setGuestId(Vcsim vcsim, String vmName, String guestId) throws Exception {
        VimSession admin = Providers.admin(vcsim);
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            ManagedObjectReference vm = VimSession.mor("VirtualMachine", src.describe(new VmRef(null, vmName)).orElseThrow().id());
            VirtualMachineConfigSpec spec = new VirtualMachineConfigSpec();
            spec.setGuestId(guestId);
            admin.waitForTask(admin.invoke("ReconfigVM_Task", vm, ManagedObjectReference.class,
                    new Arg("spec", "VirtualMachineConfigSpec", spec)), Duration.ofMinutes(2));
        } finally {
            admin.logout();
        }
    }
}
