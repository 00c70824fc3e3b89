package io.hoist.plugin.v2v;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which sources' guests are converted: MTV's Provider.RequiresConversion (vSphere, OVA), never KVM guests. */
class ConvertedSourcesTest {
    final VirtV2vConverter converter = new VirtV2vConverter();

    @Test
    void guestsOfOtherHypervisorsAreConverted() {
        assertThat(converter.accepts("vsphere", "rhel8_64Guest")).isTrue();
        assertThat(converter.accepts("ova", null)).isTrue();
    }

    @Test
    void kvmGuestsAreNot() {
        for (String type : new String[] {"ovirt", "openstack", "openshift", null}) {
            assertThat(converter.accepts(type, "rhel_8x64")).as(type).isFalse();
        }
    }
}
