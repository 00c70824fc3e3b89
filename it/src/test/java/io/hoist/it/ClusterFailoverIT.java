package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.postgresql.LeaderLease;
import io.hoist.core.store.postgresql.PostgresResourceStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code hoist serve --cluster} processes on one PostgreSQL: exactly one runs the controllers, a Plan created
 * through the other node's API is reconciled by the leader; the leader is killed with SIGKILL, the other node takes
 * the lease over and reconciles a new Plan.
 */
class ClusterFailoverIT {
    @Test
    void theFollowerTakesOverWhenTheLeaderIsKilled(@TempDir Path tmp) throws Exception {
        try (ClusterTestNodes nodes = ClusterTestNodes.start(tmp,
                name -> List.of("--node-labels", "zone=" + name.substring(name.length() - 1)))) {
            CrashResumeIT.Child a = nodes.a;
            CrashResumeIT.Child b = nodes.b;
            try (PostgresResourceStore store = nodes.openStore()) {
                LeaderLease lease = new LeaderLease(store, "this-test"); // reads the row only: never acquires
                LeaderLease.State first = ClusterTestNodes.awaitLease(lease, s -> s.valid() && !s.holder().isEmpty());
                assertThat(first.holder()).isIn("node-a", "node-b");
                CrashResumeIT.Child leader = first.holder().equals("node-a") ? a : b;
                CrashResumeIT.Child follower = leader == a ? b : a;
                String survivor = leader == a ? "node-b" : "node-a";

                // both serve the API; the follower's writes reach the leader's controllers through the store
                ApiClient viaFollower = follower.client();
                viaFollower.ensureNamespace("wave");
                createPlan(viaFollower, "before-failover");
                JsonNode reconciled = awaitReconciled(viaFollower, "before-failover");
                assertThat(reconciled.path("status").path("conditions").size()).isPositive();

                long killedAt = System.nanoTime();
                leader.kill();
                LeaderLease.State next = ClusterTestNodes.awaitLease(lease, s -> s.valid() && s.holder().equals(survivor));
                long tookOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                assertThat(next.term()).isGreaterThan(first.term());
                System.out.println("ClusterFailoverIT: " + survivor + " leads (term " + next.term() + ") "
                        + tookOverMs + " ms after the leader was killed (lease 10 s, tried every 2 s)");

                createPlan(viaFollower, "after-failover");
                assertThat(awaitReconciled(viaFollower, "after-failover").path("status").path("conditions").size()).isPositive();
                // what the killed leader stored is still there
                assertThat(viaFollower.get(ResourceKind.PLAN, "wave", "before-failover").path("metadata").path("uid").asText())
                        .isEqualTo(reconciled.path("metadata").path("uid").asText());
            }
        }
    }

    /** A Plan whose providers do not exist: the plan controller reconciles it to conditions saying so. */
    private static void createPlan(ApiClient api, String name) {
        CrashResumeIT.apply(api, "wave", """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: %s, namespace: wave}
                spec:
                  targetNamespace: migrated
                  provider: {source: {name: absent-source, namespace: wave}, destination: {name: absent-target, namespace: wave}}
                  map: {network: {name: net, namespace: wave}, storage: {name: stor, namespace: wave}}
                  vms: [{name: vm-1}]
                """.formatted(name));
    }

    private static JsonNode awaitReconciled(ApiClient api, String name) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonNode plan = api.get(ResourceKind.PLAN, "wave", name);
        while (System.nanoTime() < end) {
            plan = api.get(ResourceKind.PLAN, "wave", name);
            if (plan.path("status").path("observedGeneration").asLong() == plan.path("metadata").path("generation").asLong()
                    && !plan.path("status").path("conditions").isEmpty()) {
                return plan;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("plan " + name + " was not reconciled within 3 minutes: " + plan.path("status"));
    }
}
