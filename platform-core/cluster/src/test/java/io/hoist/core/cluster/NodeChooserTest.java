package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeChooserTest {
    private static NodeChooser.Candidate node(String name, Map<String, String> labels, int maxDisks, int placed) {
        return new NodeChooser.Candidate("id-" + name, new NodeProfile(name, labels, maxDisks), placed);
    }

    @Test
    void onlyNodesWithEveryLabelOfTheSelectorQualify() {
        List<NodeChooser.Candidate> nodes = List.of(
                node("a", Map.of("zone", "a"), 4, 0),
                node("b", Map.of("zone", "b", "nic", "25g"), 4, 3),
                node("c", Map.of("zone", "b"), 4, 0));
        assertThat(NodeChooser.choose(nodes, Map.of("zone", "b", "nic", "25g"))).get()
                .extracting(c -> c.profile().name()).isEqualTo("b"); // the busier one, but the only one that fits
        assertThat(NodeChooser.choose(nodes, Map.of("zone", "c"))).isEmpty();
        assertThat(NodeChooser.choose(nodes, Map.of())).get().extracting(c -> c.profile().name()).isEqualTo("a");
    }

    @Test
    void runsAreSpreadInProportionToEachNodesDiskCap() {
        Map<String, Integer> placed = new HashMap<>(Map.of("small", 0, "big", 0));
        Map<String, Integer> caps = Map.of("small", 2, "big", 6);
        for (int i = 0; i < 80; i++) {
            List<NodeChooser.Candidate> nodes = new ArrayList<>();
            caps.forEach((n, cap) -> nodes.add(node(n, Map.of(), cap, placed.get(n))));
            String chosen = NodeChooser.choose(nodes, Map.of()).orElseThrow().profile().name();
            placed.merge(chosen, 1, Integer::sum);
        }
        assertThat(placed).containsEntry("small", 20).containsEntry("big", 60);
    }

    @Test
    void aTieGoesToTheFirstNameSoEveryLeaderChoosesAlike() {
        List<NodeChooser.Candidate> nodes = List.of(node("n2", Map.of(), 0, 1), node("n1", Map.of(), 0, 1));
        assertThat(NodeChooser.choose(nodes, Map.of())).get().extracting(c -> c.profile().name()).isEqualTo("n1");
    }

    @Test
    void aProfileSurvivesTheClusterMetadata() {
        NodeProfile p = new NodeProfile("node-7", Map.of("zone", "a", "example.com/rack", "r1"), 3);
        assertThat(NodeProfile.fromJson(p.toJson())).isEqualTo(p);
        assertThat(NodeProfile.fromJson(new io.vertx.core.json.JsonObject())).isNull();
    }
}
