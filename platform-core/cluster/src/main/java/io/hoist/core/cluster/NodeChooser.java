package io.hoist.core.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the node for a VM run: among the nodes with every label the provider asks for, the one least loaded for its
 * size (VM runs placed on it divided by its disk cap), ties broken by name so the choice is the same on every leader.
 */
public final class NodeChooser {
    /** The share of a node without a disk cap of its own: the default of {@code controller_max_vm_inflight}. */
    static final int UNCAPPED_WEIGHT = 20;

    /** A live node and the VM runs placed on it now. */
    public record Candidate(String nodeId, NodeProfile profile, int placed) {}

    private NodeChooser() {}

    public static Optional<Candidate> choose(List<Candidate> nodes, Map<String, String> selector) {
        return nodes.stream()
                .filter(c -> c.profile().matches(selector))
                .min(Comparator.comparingDouble(NodeChooser::loadAfterOneMore).thenComparing(c -> c.profile().name()));
    }

    private static double loadAfterOneMore(Candidate c) {
        int weight = c.profile().maxDisks() > 0 ? c.profile().maxDisks() : UNCAPPED_WEIGHT;
        return (c.placed() + 1) / (double) weight;
    }
}
