package io.hoist.core.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import io.hoist.core.server.RunningServer.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One 422 lists every cause of an object, name and spec alike, as the API server aggregates them. */
class AllCausesAtOnceTest {
    @TempDir
    Path dir;

    @Test
    void badNameAndBadSpecAreReportedTogether() {
        String plan = """
                {"apiVersion":"forklift.konveyor.io/v1beta1","kind":"Plan",
                 "metadata":{"name":"Wave_1"},
                 "spec":{"pvcNameTemplate":"{{.VmName","provider":{"source":{"name":"s"},"destination":{"name":"d"}},
                   "map":{"network":{"name":"n"},"storage":{"name":"st"}},
                   "vms":[{"name":"vm1","hooks":[{"hook":{"name":"h1"},"step":"PreHook"},
                                                 {"hook":{"name":"h2"},"step":"PreHook"}]}]}}""";
        try (RunningServer api = new RunningServer(HoistServer.builder().admission(new MtvAdmission()).namespaces("demo"), dir)) {
            Reply r = api.post("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans", plan);
            assertThat(r.status()).as(r.body()).isEqualTo(422);
            List<String> fields = new ArrayList<>();
            for (JsonNode c : r.json().at("/details/causes")) {
                fields.add(c.get("field").asText());
            }
            assertThat(fields).as(r.body()).contains("metadata.name", "spec.pvcNameTemplate", "spec.vms[0].hooks[1].step");
            assertThat(r.json().get("message").asText()).contains("metadata.name").contains("spec.pvcNameTemplate");
            assertThat(api.get("/apis/forklift.konveyor.io/v1beta1/namespaces/demo/plans").json().get("items")).isEmpty();
        }
    }
}
