package io.hoist.core.store.postgresql;

import io.hoist.core.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one row ({@code leader_lease}) that says which node runs the controllers, and for which term. A node takes the
 * lease only once it has expired, which moves the term on; the holder renews it while the term is still its own.
 * Expiry is judged by the database's clock, so nodes' clocks need not agree.
 *
 * <p>Fencing: writes made for a leader go through {@link PostgresResourceStore#fencedBy(long)}, which checks the term
 * in the write's transaction under a share lock on this row. Taking the lease updates the row, so it waits for writes
 * under way and every later write of the old term is refused: a deposed leader that has not noticed yet (paused,
 * cut off) changes nothing in the store.
 */
public final class LeaderLease {
    private final PostgresResourceStore store;
    private final String holder;

    /** {@code holder}: this node's name, unique among the nodes (it is how the row tells renewals apart). */
    public LeaderLease(PostgresResourceStore store, String holder) {
        if (holder == null || holder.isBlank()) {
            throw new IllegalArgumentException("a lease holder needs a name");
        }
        this.store = store;
        this.holder = holder;
    }

    public String holder() {
        return holder;
    }

    /** Takes the lease for {@code ttl} when it has expired (or was released); the new term, or empty. */
    public OptionalLong tryAcquire(Duration ttl) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease SET term = term + 1, holder = ?,"
                    + " expires_at = clock_timestamp() + make_interval(secs => ?)"
                    + " WHERE id = 0 AND expires_at < clock_timestamp() RETURNING term")) {
                ps.setString(1, holder);
                ps.setDouble(2, seconds(ttl));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /**
     * Extends the lease by {@code ttl} from now while {@code term} is still this holder's; false when another node
     * has taken it since (a renewal that comes late but before anyone else took the lease still counts: no other
     * node can have acted in between).
     */
    public boolean renew(long term, Duration ttl) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease"
                    + " SET expires_at = clock_timestamp() + make_interval(secs => ?)"
                    + " WHERE id = 0 AND term = ? AND holder = ?")) {
                ps.setDouble(1, seconds(ttl));
                ps.setLong(2, term);
                ps.setString(3, holder);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease up at once (a clean stop), so another node need not wait for it to expire. */
    public void release(long term) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease SET expires_at = '-infinity'"
                    + " WHERE id = 0 AND term = ? AND holder = ?")) {
                ps.setLong(1, term);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }

    /** Who holds the lease now, for which term, and whether it is still valid by the database's clock. */
    public record State(long term, String holder, boolean valid) {}

    public State current() {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT term, holder, expires_at >= clock_timestamp() FROM leader_lease WHERE id = 0");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new State(rs.getLong(1), Optional.ofNullable(rs.getString(2)).orElse(""), rs.getBoolean(3));
            }
        });
    }

    /** In a write's transaction: refuses it unless {@code term} is still the lease's. */
    static void checkTerm(Connection c, long term) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT term FROM leader_lease WHERE id = 0 FOR SHARE");
             ResultSet rs = ps.executeQuery()) {
            long current = rs.next() ? rs.getLong(1) : -1;
            if (current != term) {
                throw new StoreException.Fenced("write refused: it was made for the leader of term " + term
                        + ", and term " + current + " has begun since (another node now runs the controllers)");
            }
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(Work<T> work) {
        try (Connection c = store.connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("leader lease: " + e.getMessage(), e);
        }
    }
}
