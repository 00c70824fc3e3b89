package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.Platform;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan's failure on the real platform becomes an Event that {@code hoist get events} shows like kubectl does. */
class GetEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void planFailureIsListedAsAWarningEvent() throws Exception {
        try (Platform platform = Platform.create(HoistServer.builder().port(0).namespaces("demo"), data).start()) {
            var store = platform.server().store();
            ObjectNode plan = store.create(ResourceKind.PLAN, (ObjectNode) JSON.readTree("""
                    {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan","metadata":{"name":"web","namespace":"demo"},
                     "spec":{"vms":[{"id":"vm-1","name":"db-01"}]}}"""));
            plan.set("status", JSON.readTree("""
                    {"conditions":[{"type":"Failed","status":"True","message":"The plan execution has FAILED."}],
                     "migration":{"vms":[{"id":"vm-1","name":"db-01","error":{"phase":"CopyDisks","reasons":["disk gone"]},
                       "conditions":[{"type":"Failed","status":"True"}]}]}}"""));
            store.updateStatus(ResourceKind.PLAN, plan);
            // The recorder sees the change through a store watch: wait for it (bounded) rather than assume timing.
            CliHarness.Result r = null;
            long end = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                platform.events().flush();
                r = new CliHarness(Map.of()).run("get", "events", "-n", "demo", "--data-dir", data.toString());
                if (r.out().contains("VMFailed")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE")
                    .containsPattern("Warning +VMFailed +plan/web +1 +VM db-01 failed in phase CopyDisks: disk gone")
                    .containsPattern("Warning +Failed +plan/web");
        }
    }
}
