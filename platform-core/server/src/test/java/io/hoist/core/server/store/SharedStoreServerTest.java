package io.hoist.core.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.server.AdmissionTestDouble;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import io.hoist.core.store.postgresql.PostgresLocation;
import io.hoist.testkit.postgresql.PostgresTestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Hoist servers (two nodes) on one real PostgreSQL database: what one writes the other serves, with one version. */
class SharedStoreServerTest {
    @TempDir
    Path nodeA;
    @TempDir
    Path nodeB;

    @Test
    void twoServersServeTheSameObjects() throws Exception {
        try (PostgresTestServer pg = PostgresTestServer.create()) {
            PostgresLocation db = PostgresLocation.parse(pg.newDatabase(), Map.of("PGPASSWORD", pg.password()));
            try (RunningServer a = new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble()).sharedStore(db), nodeA);
                 RunningServer b = new RunningServer(HoistServer.builder().admission(new AdmissionTestDouble()).sharedStore(db), nodeB)) {
                String path = "/api/v1/namespaces/default/configmaps";
                RunningServer.Reply created = a.post(path,
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"shared\"},\"data\":{\"k\":\"from-a\"}}");
                assertThat(created.status()).as(created.body()).isEqualTo(201);

                RunningServer.Reply onB = b.get(path + "/shared");
                assertThat(onB.status()).as(onB.body()).isEqualTo(200);
                assertThat(onB.json().at("/data/k").asText()).isEqualTo("from-a");
                assertThat(onB.json().at("/metadata/uid").asText()).isEqualTo(created.json().at("/metadata/uid").asText());

                RunningServer.Reply replaced = b.put(path + "/shared", onB.body().replace("from-a", "from-b"));
                assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
                // A's copy is stale now: the same 409 one server gives.
                RunningServer.Reply stale = a.put(path + "/shared", created.body().replace("from-a", "stale"));
                assertThat(stale.status()).isEqualTo(409);
                assertThat(a.get(path + "/shared").json().at("/data/k").asText()).isEqualTo("from-b");
            }
        }
    }
}
