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

/**
 * What the target keeps from a simulator whose cluster runs in an EVC mode and whose VM's disk has a backing UUID:
 * the CPU model of the cluster (preserveClusterCpuModel) and the disk serial.
 */
class VsphereClusterCpuAndDiskSerialTest {
    static final String CLUSTER_VM = "DC0_C0_RP0_VM0";
    static final String STANDALONE_VM = "DC0_H0_VM0";
    static final String DISK_UUID = "6000C29a-41b2-7d5e-8c3f-0a1b2c3d4e5f";
    static Vcsim vcsim;

    @BeforeAll
    static void start() throws Exception {
        vcsim = Vcsim.start("-vm", "1", "-cluster", "1", "-cluster-host", "1", "-host", "1",
                "-evc", "intel-broadwell", "-disk-uuid", CLUSTER_VM + "=" + DISK_UUID);
    }

    @AfterAll
    static void stop() {
        vcsim.close();
    }

    @Test
    void aVmOfAnEvcClusterGetsTheModelOfTheEvcMode() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            assertThat(src.describe(new VmRef(null, CLUSTER_VM)).orElseThrow().cpuModel()).isEqualTo("Broadwell-noTSX");
            // a standalone host has no cluster baseline: the engine then says ClusterCpuModelNotPreserved
            assertThat(src.describe(new VmRef(null, STANDALONE_VM)).orElseThrow().cpuModel()).isNull();
        }
    }

    @Test
    void everyKnownEvcModeHasAModelAndAnUnknownOneNone() {
        assertThat(EvcCpuModels.ofEvcMode("intel-cascadelake")).isEqualTo("Cascadelake-Server-noTSX");
        assertThat(EvcCpuModels.ofEvcMode("AMD-ZEN3")).isEqualTo("EPYC-Milan");
        assertThat(EvcCpuModels.ofEvcMode("intel-future-lake")).isNull();
        assertThat(EvcCpuModels.ofEvcMode(null)).isNull();
    }

    @Test
    void theDiskSerialIsTheBackingUuid() throws Exception {
        try (VsphereSource src = Providers.source(vcsim, Hosts.create())) {
            SourceVm vm = src.describe(new VmRef(null, CLUSTER_VM)).orElseThrow();
            assertThat(vm.disks()).singleElement().satisfies(d -> assertThat(d.serial()).isEqualTo(DISK_UUID));
            SourceVm other = src.describe(new VmRef(null, STANDALONE_VM)).orElseThrow();
            assertThat(other.disks()).singleElement().satisfies(d -> assertThat(d.serial()).isNull());
        }
    }
}
