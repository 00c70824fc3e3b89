package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.engine.run.RunPlacement.SourceHost;
import io.hoist.core.model.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
    private static final ObjectNode PROVIDER = resource("Provider", "vcenter", "zone=a");
    private static final ObjectNode ESX1 = host("esx-1", "host-1", "rack=r1,zone=b");
    private static final ObjectNode ESX2_UNPINNED = host("esx-2", "host-2", null);

    @Test
    void aHostsSelectorWinsOverItsProvidersForTheVmsOnThatHost() {
        NodeSelector s = NodeSelector.forVm("vm-1", new SourceHost(true, "host-1"), PROVIDER, List.of(ESX1, ESX2_UNPINNED));
        assertThat(s.labels()).isEqualTo(Map.of("rack", "r1", "zone", "b"));
        assertThat(s.pinnedBy()).isEqualTo("Host team/esx-1");
    }

    @Test
    void aVmOnAnotherHostOrOfAHostlessSourceGoesByItsProvider() {
        for (SourceHost other : List.of(new SourceHost(true, "host-2"), new SourceHost(true, "host-9"), new SourceHost(true, null))) {
            NodeSelector s = NodeSelector.forVm("vm-2", other, PROVIDER, List.of(ESX1, ESX2_UNPINNED));
            assertThat(s.labels()).as(other.toString()).isEqualTo(Map.of("zone", "a"));
            assertThat(s.pinnedBy()).isEqualTo("Provider team/vcenter");
        }
        assertThat(NodeSelector.forVm("vm-2", new SourceHost(true, "host-2"), resource("Provider", "ova", null), List.of()))
                .isEqualTo(NodeSelector.ANY);
    }

    @Test
    void aVmWhoseHostIsNotKnownWaitsWhileAHostPinsAndOtherwiseGoesByItsProvider() {
        assertThatThrownBy(() -> NodeSelector.forVm("vm-3", SourceHost.UNKNOWN, PROVIDER, List.of(ESX2_UNPINNED, ESX1)))
                .hasMessageContaining("source host of VM vm-3 is not known yet")
                .hasMessageContaining("Host team/esx-1 pins");
        assertThat(NodeSelector.forVm("vm-3", SourceHost.UNKNOWN, PROVIDER, List.of(ESX2_UNPINNED)).labels())
                .isEqualTo(Map.of("zone", "a"));
    }

    @Test
    void aHostAnnotationThatIsNotALabelListIsAnErrorNamingTheHost() {
        assertThatThrownBy(() -> NodeSelector.forVm("vm-4", new SourceHost(true, "host-5"), PROVIDER,
                List.of(host("esx-5", "host-5", "rack"))))
                .hasMessageContaining("Host team/esx-5 annotation hoist.io/node-selector")
                .hasMessageContaining("'rack' is not key=value");
    }

    @Test
    void aProviderPinsAnInventoryHostWithoutAHostResource() {
        ObjectNode provider = resource("Provider", "vcenter", "zone=a");
        provider.with("metadata").with("annotations").put(NodeSelector.HOST_ANNOTATION_PREFIX + "host-7", "rack=r7");
        NodeSelector s = NodeSelector.forVm("vm-5", new SourceHost(true, "host-7"), provider, List.of(ESX2_UNPINNED));
        assertThat(s.labels()).isEqualTo(Map.of("rack", "r7"));
        assertThat(s.pinnedBy()).isEqualTo("Provider team/vcenter (hoist.io/node-selector.host-7)");
        // a Host resource's own selector still wins; other hosts go by the provider's
        assertThat(NodeSelector.forVm("vm-5", new SourceHost(true, "host-1"), provider, List.of(ESX1)).pinnedBy())
                .isEqualTo("Host team/esx-1");
        assertThat(NodeSelector.forVm("vm-5", new SourceHost(true, "host-2"), provider, List.of()).labels())
                .isEqualTo(Map.of("zone", "a"));
        assertThatThrownBy(() -> NodeSelector.forVm("vm-5", SourceHost.UNKNOWN, provider, List.of()))
                .hasMessageContaining("source host of VM vm-5 is not known yet")
                .hasMessageContaining("Provider team/vcenter pins the VMs of hosts [host-7]");
        provider.with("metadata").with("annotations").put(NodeSelector.HOST_ANNOTATION_PREFIX + "host-7", "rack");
        assertThatThrownBy(() -> NodeSelector.forVm("vm-5", new SourceHost(true, "host-7"), provider, List.of()))
                .hasMessageContaining("Provider team/vcenter annotation hoist.io/node-selector.host-7")
                .hasMessageContaining("'rack' is not key=value");
    }

    private static ObjectNode host(String name, String id, String selector) {
        ObjectNode h = resource("Host", name, selector);
        h.with("spec").put("id", id).putObject("provider").put("name", "vcenter");
        return h;
    }

    private static ObjectNode resource(String kind, String name, String selector) {
        ObjectNode o = Resources.MAPPER.createObjectNode();
        o.put("apiVersion", "forklift.konveyor.io/v1beta1").put("kind", kind);
        ObjectNode meta = o.putObject("metadata").put("name", name).put("namespace", "team");
        if (selector != null) {
            meta.putObject("annotations").put(NodeSelector.ANNOTATION, selector);
        }
        o.putObject("spec");
        return o;
    }
}
