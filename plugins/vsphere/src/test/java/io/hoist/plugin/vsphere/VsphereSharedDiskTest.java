package io.hoist.plugin.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.vsphere.testsupport.Providers;
import io.hoist.testkit.HostContextTestDouble;
import io.hoist.plugin.vsphere.testsupport.Hosts;
import io.hoist.plugin.vsphere.testsupport.Vcsim;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MTV's SharedDisks check from a simulator where two of three running VMs share a multi-writer disk. */
class VsphereSharedDiskTest {
    static Vcsim vcsim;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "3", "-cluster", "0", "-host", "1", "-shared-disk", "DC0_H0_VM0,DC0_H0_VM1");
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    @Test
    void theRunningVmsAttachedToASharedDiskAreNamed() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            SourceVm vm0 = src.describe(new VmRef(null, "DC0_H0_VM0")).orElseThrow();
            assertThat(vm0.disks()).singleElement().satisfies(d -> {
                assertThat(d.shared()).isTrue();
                assertThat(d.shareId()).isEqualTo(d.name());
            });
            assertThat(vm0.checks().runningDiskSharers()).containsExactly("DC0_H0_VM0", "DC0_H0_VM1");
            assertThat(src.describe(new VmRef(null, "DC0_H0_VM2")).orElseThrow().checks().runningDiskSharers())
                    .as("a VM sharing nothing").isEmpty();

            SourceVm vm1 = src.describe(new VmRef(null, "DC0_H0_VM1")).orElseThrow();
            src.powerOff(vm1);
            assertThat(src.describe(new VmRef(vm0.id(), null)).orElseThrow().checks().runningDiskSharers())
                    .containsExactly("DC0_H0_VM0");
            src.powerOff(vm0);
            assertThat(src.describe(new VmRef(vm0.id(), null)).orElseThrow().checks().runningDiskSharers()).isEmpty();
        }
    }
}
