package io.hoist.core.cluster;

import io.hoist.core.engine.run.DiskCopyService;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's own bandwidth cap ({@code --node-bandwidth-mibps}, standing in for its NIC): every disk copy on this node
 * also draws from one budget of that rate, besides the host's and the plan's.
 */
public final class NodeBandwidth implements DiskCopyService {
    /** The budget's name among the copy's budgets. */
    static final String BUDGET = "node";
    private final DiskCopyService copier;
    private final double mibps;

    private NodeBandwidth(DiskCopyService copier, double mibps) {
        this.copier = copier;
        this.mibps = mibps;
    }

    /** {@code copier} capped at {@code mibps} in all; {@code copier} itself when the node has no cap. */
    public static DiskCopyService cap(DiskCopyService copier, double mibps) {
        return mibps > 0 ? new NodeBandwidth(copier, mibps) : copier;
    }

    @Override
    public Result copy(CopyRequest r) throws Exception {
        Map<String, Double> budgets = new LinkedHashMap<>(r.budgets() == null ? Map.of() : r.budgets());
        budgets.put(BUDGET, mibps);
        return copier.copy(r.withBudgets(budgets));
    }

    @Override
    public void dropCheckpoint(String checkpointKey) {
        copier.dropCheckpoint(checkpointKey);
    }
}
