package io.hoist.plugin.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.api.convert.GuestAddress;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.plugin.ovirt.testsupport.OvirtEngineTestServer;
import io.hoist.plugin.ovirt.testsupport.OvirtTestHosts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * preserveStaticIPs from oVirt: the guest agent's reported devices of the recorded running VM (vm_on), kept by the
 * provider after the VM is stopped, when the engine reports none (as for the recorded vm_off).
 */
class OvirtGuestAddressesTest {
    static final String MAC = "00:1a:4a:16:01:05"; // vm_on's NIC, as recorded in its reported devices
    static OvirtEngineTestServer engine;

    @BeforeAll
    static void start() throws Exception {
        engine = new OvirtEngineTestServer();
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
    }

    @Test
    void theAgentsAddressesOutliveTheVmsPowerOff() throws Exception {
        try (OvirtSource src = OvirtTestHosts.source(OvirtTestHosts.withTransferEngine(), engine);
             OvirtSource neverSawItRun = OvirtTestHosts.source(OvirtTestHosts.withTransferEngine(), engine)) {
            SourceVm vm = src.describe(new VmRef(OvirtEngineTestServer.VM_ON, null)).orElseThrow();
            assertThat(vm.checks().guestIpMacs()).containsExactly(MAC);
            // the recorded agent reports an IPv4, a global IPv6 and a link-local IPv6 address, with no netmask
            List<GuestAddress> running = src.guestAddresses(vm);
            assertThat(running).containsExactly(
                    new GuestAddress(MAC, "10.46.8.199", 0, null, List.of()),
                    new GuestAddress(MAC, "2620:52:0:2e08:21a:4aff:fe16:105", 0, null, List.of()));

            src.powerOff(vm);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (!"down".equals(engine.vmStatus(vm.id()))) {
                assertThat(Instant.now()).as("vm_on still not down").isBefore(deadline);
                Thread.sleep(50);
            }
            assertThat(src.guestAddresses(vm)).as("conversion time: the VM is down").isEqualTo(running);
            assertThat(neverSawItRun.guestAddresses(vm)).isEmpty();
            assertThat(neverSawItRun.describe(new VmRef(vm.id(), null)).orElseThrow().checks().guestIpMacs()).isNull();
        }
    }

    @Test
    void netmasksBecomePrefixes() {
        assertThat(GuestAgentAddresses.prefixOf("255.255.255.0")).isEqualTo(24);
        assertThat(GuestAgentAddresses.prefixOf("255.255.240.0")).isEqualTo(20);
        assertThat(GuestAgentAddresses.prefixOf("64")).isEqualTo(64);
        assertThat(GuestAgentAddresses.prefixOf("255.0.255.0")).as("not a netmask").isZero();
        assertThat(GuestAgentAddresses.prefixOf(null)).isZero();
    }
}
