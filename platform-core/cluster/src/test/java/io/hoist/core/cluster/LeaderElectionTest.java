package io.hoist.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.StoreException;
import io.hoist.core.store.postgresql.LeaderLease;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import io.hoist.testkit.postgresql.PostgresServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader election on a real PostgreSQL: one leader at a time, takeover after a leader goes, a deposed leader fenced. */
class LeaderElectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TTL = Duration.ofSeconds(4);
    private static final Duration RENEW = Duration.ofSeconds(1);
    private static final Duration TRY = Duration.ofMillis(300);
    @RegisterExtension
    static final PostgresServerExtension POSTGRES = new PostgresServerExtension();

    private static PostgresResourceStore newStore() throws Exception {
        return PostgresResourceStore.open(PostgresLocation.parse(POSTGRES.server().newDatabase(), Map.of("PGPASSWORD", POSTGRES.server().password())));
    }

    private static ObjectNode configMap(String name, String value) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("metadata").put("namespace", "default").put("name", name);
        o.putObject("data").put("k", value);
        return o;
    }

    @Test
    void aDeposedLeadersWriteIsRefusedAndChangesNothing() throws Exception {
        try (PostgresResourceStore store = newStore()) {
            LeaderLease a = new LeaderLease(store, "node-a");
            LeaderLease b = new LeaderLease(store, "node-b");
            long termA = a.tryAcquire(Duration.ofMillis(500)).orElseThrow();
            assertThat(b.tryAcquire(TTL)).as("a valid lease is not taken").isEmpty();
            PostgresResourceStore asA = store.fencedBy(termA);
            ObjectNode written = asA.create(ResourceKind.CONFIG_MAP, configMap("decision", "by-a"));

            // A pauses past its lease; B takes over and writes
            long termB = awaitAcquire(b);
            assertThat(termB).isGreaterThan(termA);
            assertThat(a.renew(termA, TTL)).as("A's renewal once B holds the lease").isFalse();
            PostgresResourceStore asB = store.fencedBy(termB);
            ObjectNode byB = asB.update(ResourceKind.CONFIG_MAP, configMap("decision", "by-b"));

            // A, not knowing yet, writes with its old term: refused, whatever the write
            ObjectNode stale = written.deepCopy();
            ((ObjectNode) stale.get("data")).put("k", "stale-from-a");
            ((ObjectNode) stale.get("metadata")).remove("resourceVersion");
            assertThatThrownBy(() -> asA.update(ResourceKind.CONFIG_MAP, stale))
                    .isInstanceOf(StoreException.Fenced.class).hasMessageContaining("term " + termA);
            assertThatThrownBy(() -> asA.create(ResourceKind.CONFIG_MAP, configMap("other", "x")))
                    .isInstanceOf(StoreException.Fenced.class);
            assertThatThrownBy(() -> asA.delete(ResourceKind.CONFIG_MAP, "default", "decision"))
                    .isInstanceOf(StoreException.Fenced.class);

            assertThat(store.get(ResourceKind.CONFIG_MAP, "default", "decision").orElseThrow().at("/data/k").asText())
                    .isEqualTo("by-b");
            assertThat(store.get(ResourceKind.CONFIG_MAP, "default", "other")).isEmpty();
            assertThat(store.currentVersion()).isEqualTo(Long.parseLong(byB.at("/metadata/resourceVersion").asText()));
            // the unfenced store (the API's, on every node) still writes; closing a view leaves the store open
            asA.close();
            store.create(ResourceKind.CONFIG_MAP, configMap("from-the-api", "ok"));
            assertThat(b.current()).isEqualTo(new LeaderLease.State(termB, "node-b", true));
        }
    }

    @Test
    void oneNodeLeadsAndAnotherTakesOverWhenItGoes() throws Exception {
        try (PostgresResourceStore store = newStore()) {
            List<String> log = new CopyOnWriteArrayList<>();
            LeaderElection a = LeaderElection.start(new LeaderLease(store, "node-a"), recorder("a", log), TTL, RENEW, TRY);
            await(a::isLeader, "node-a elected");
            LeaderElection b = LeaderElection.start(new LeaderLease(store, "node-b"), recorder("b", log), TTL, RENEW, TRY);
            try {
                // several renewals later, still only A
                Thread.sleep(RENEW.multipliedBy(3));
                assertThat(b.isLeader()).isFalse();
                assertThat(log).containsExactly("a elected " + a.term());
                long termA = a.term();

                a.close(); // a clean stop gives the lease up: B need not wait for it to expire
                await(b::isLeader, "node-b elected");
                assertThat(b.term()).isGreaterThan(termA);
                assertThat(log).containsExactly("a elected " + termA, "a deposed " + termA, "b elected " + b.term());
            } finally {
                b.close();
            }
        }
    }

    @Test
    void aLeaderThatVanishedWithoutAWordIsReplacedOnceItsLeaseExpires() throws Exception {
        try (PostgresResourceStore store = newStore()) {
            // a leader killed (kill -9): it took the lease and will never renew nor release it
            long ghostTerm = new LeaderLease(store, "killed-node").tryAcquire(TTL).orElseThrow();
            List<String> log = new CopyOnWriteArrayList<>();
            long start = System.nanoTime();
            try (LeaderElection b = LeaderElection.start(new LeaderLease(store, "node-b"), recorder("b", log), TTL, RENEW, TRY)) {
                await(b::isLeader, "node-b elected");
                assertThat(System.nanoTime() - start).as("not before the killed leader's lease ran out")
                        .isGreaterThanOrEqualTo(TTL.minusMillis(500).toNanos());
                assertThat(b.term()).isEqualTo(ghostTerm + 1);
                assertThat(log).containsExactly("b elected " + (ghostTerm + 1));
            }
        }
    }

    private static LeaderElection.Leadership recorder(String node, List<String> log) {
        return new LeaderElection.Leadership() {
            @Override
            public void elected(long term) {
                log.add(node + " elected " + term);
            }

            @Override
            public void deposed(long term) {
                log.add(node + " deposed " + term);
            }
        };
    }

    private static long awaitAcquire(LeaderLease lease) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < end) {
            var won = lease.tryAcquire(TTL);
            if (won.isPresent()) {
                return won.getAsLong();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(lease.holder() + " did not get the lease within 2 minutes");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what + " within 2 minutes").isTrue();
    }
}
