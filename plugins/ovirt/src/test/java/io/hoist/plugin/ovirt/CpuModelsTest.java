package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuModelsTest {
    static final String LIST = "6:Intel Westmere Family:aes,vmx,nx,model_Westmere:Westmere:x86_64; "
            + "13:Intel Skylake Server IBRS SSBD Family:vmx,nx,model_Skylake-Server,spec_ctrl,ssbd:Skylake-Server,+spec-ctrl,+ssbd:x86_64; "
            + "3:IBM POWER8:powernv,model_POWER8:POWER8:ppc64;";

    @Test
    void aFamilyGivesItsLibvirtModelWithoutFlags() {
        assertThat(CpuModels.ofFamily(LIST, "Intel Westmere Family")).isEqualTo("Westmere");
        assertThat(CpuModels.ofFamily(LIST, "Intel Skylake Server IBRS SSBD Family")).isEqualTo("Skylake-Server");
        assertThat(CpuModels.ofFamily(LIST, "IBM POWER8")).isEqualTo("POWER8");
        assertThat(CpuModels.ofFamily(LIST, "Intel Westmere")).as("names match whole").isNull();
        assertThat(CpuModels.ofFamily("", "Intel Westmere Family")).isNull();
        assertThat(CpuModels.ofFamily(null, "Intel Westmere Family")).isNull();
    }

    @Test
    void aCustomModelLosesItsFlags() {
        assertThat(CpuModels.modelOf("Haswell-noTSX,+vmx,-hle")).isEqualTo("Haswell-noTSX");
        assertThat(CpuModels.modelOf("EPYC")).isEqualTo("EPYC");
        assertThat(CpuModels.modelOf(" ")).isNull();
        assertThat(CpuModels.modelOf(null)).isNull();
    }
}
