package io.hoist.core.store.postgresql;

import io.hoist.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The placement epochs of VM runs on a cluster ({@code run_placement}, Flyway {@code V4}): the leader takes the next
 * epoch of a run each time it sends the run to a node ({@link #place}); the node's writes for the run carry the epoch
 * it was sent with and are refused once a newer one exists ({@link #check}, and in a write's own transaction
 * {@link #stale}). A node cut off from the others but still reaching PostgreSQL thus cannot write for a run that was
 * placed elsewhere meanwhile, however long it was paused.
 */
public final class RunEpochs {
    private final PostgresResourceStore store;

    public RunEpochs(PostgresResourceStore store) {
        this.store = store;
    }

    /** The run of VM {@code vmId} in the migration {@code migrationUid}, as the table and the cluster's run map key it. */
    public static String runKey(String migrationUid, String vmId) {
        return migrationUid + "/" + vmId;
    }

    /**
     * Records that the run goes to {@code node} now and returns its new epoch (1 for a first placement). Waits while a
     * node's write for the run holds its share lock, so a write checked under the old epoch commits before the new one
     * exists.
     */
    public long place(String runKey, String node) {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO run_placement (run_key, epoch, node, placed_at)"
                     + " VALUES (?, 1, ?, clock_timestamp()) ON CONFLICT (run_key) DO UPDATE SET"
                     + " epoch = run_placement.epoch + 1, node = EXCLUDED.node, placed_at = EXCLUDED.placed_at RETURNING epoch")) {
            ps.setString(1, runKey);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("placing run " + runKey + ": " + e.getMessage(), e);
        }
    }

    /** Refuses with {@link StoreException.Superseded} when the run was placed again since {@code epoch}. */
    public void check(HeldRuns.Run run) {
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                refuseStale(c, java.util.List.of(run));
            } finally {
                c.rollback(); // nothing was written: the share lock goes
            }
        } catch (SQLException e) {
            throw new StoreException("checking the placement of run " + run.runKey() + ": " + e.getMessage(), e);
        }
    }

    /**
     * In a write's transaction: the runs among {@code held} placed again since the epoch this node holds, each
     * placement row share-locked until the transaction ends (a leader placing one of them again waits for it). A run
     * with no row was never placed by a leader (one process): not stale.
     */
    static Set<HeldRuns.Run> stale(Connection c, Collection<HeldRuns.Run> held) throws SQLException {
        Set<HeldRuns.Run> out = new LinkedHashSet<>();
        if (held.isEmpty()) {
            return out;
        }
        Map<String, HeldRuns.Run> byKey = new HashMap<>();
        held.forEach(r -> byKey.put(r.runKey(), r));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT run_key, epoch FROM run_placement WHERE run_key = ANY (?) ORDER BY run_key FOR SHARE")) {
            ps.setArray(1, c.createArrayOf("text", byKey.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    HeldRuns.Run r = byKey.get(rs.getString(1));
                    if (rs.getLong(2) > r.epoch()) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** In a write's transaction: refuses it, naming the runs, when any of {@code held} was placed again. */
    static void refuseStale(Connection c, Collection<HeldRuns.Run> held) throws SQLException {
        Set<HeldRuns.Run> stale = stale(c, held);
        if (stale.isEmpty()) {
            return;
        }
        Set<String> vms = new LinkedHashSet<>();
        stale.forEach(r -> vms.add(r.vmId()));
        throw new StoreException.Superseded("write refused: VM run" + (stale.size() == 1 ? " " : "s ")
                + stale.stream().map(r -> r.runKey() + " (epoch " + r.epoch() + ")").toList()
                + " placed on another node since (a newer placement epoch is stored)", vms);
    }
}
