package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.engine.testdoubles.FolderDestinationTestDouble;
import io.hoist.core.engine.testdoubles.SyntheticSourceTestDouble;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.store.sqlite.SqliteResourceStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24 item 1 through the engine: name templates that used to write a 30 MB condition (and then brick the
 * store), pin a reconcile thread, or allocate a gigabyte now give a short condition naming the limit; the other
 * plan is still reconciled and the store reopens clean.
 */
class HostileTemplatesEngineTest {
    @Test
    void hostileTemplatesGiveShortConditionsAndNothingStops(@TempDir Path tmp) throws Exception {
        SyntheticSourceTestDouble source = new SyntheticSourceTestDouble(3, 1, EngineMigrationTest.DISK, 1, true);
        FolderDestinationTestDouble dest = new FolderDestinationTestDouble(tmp.resolve("out"));
        String hostile = EngineMigrationTest.manifests("cold", null).replace("  vms: [{id: vm-0}, {id: vm-1}, {name: vm-2}]", """
                  vms:
                  - id: vm-0
                    pvcNameTemplate: '{{ range $i, $e := (repeat 30000000 "a") }}{{ end }}x'
                  - id: vm-1
                    pvcNameTemplate: '{{ printf "%0999999999d" 1 }}'
                  - name: vm-2
                    pvcNameTemplate: '{{ if regexMatch "(.*a){12}x" (repeat 4000 "a") }}a{{ else }}b{{ end }}-{{ range 30000000 }}{{ end }}'
                """);
        assertThat(hostile).contains("repeat 30000000");
        String calm = """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: plan2, namespace: default}
                spec:
                  type: cold
                  targetNamespace: migrated2
                  provider: {source: {name: src, namespace: default}, destination: {name: dst, namespace: default}}
                  map: {network: {name: net, namespace: default}, storage: {name: stor, namespace: default}}
                  vms: [{id: vm-0}]
                """;
        try (EngineHarness h = new EngineHarness(tmp, source, dest)) {
            h.apply(hostile);
            h.apply(calm);
            EngineHarness.await(Duration.ofSeconds(120), () -> h.get(ResourceKind.PLAN, "plan1").path("status").toString()
                    .contains("template limit"), "plan1 reports the template limits");
            EngineHarness.await(Duration.ofSeconds(60), () -> Conditions.isTrue(h.get(ResourceKind.PLAN, "plan2"), "Ready"),
                    "plan2 still reconciled to Ready");
            String status = h.get(ResourceKind.PLAN, "plan1").path("status").toString();
            assertThat(status.length()).as("plan1 status size").isLessThan(64 * 1024);
            assertThat(status).contains("vm-0").contains("4096").doesNotContain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
            // all three were rendered (none pinned the reconcile) and are listed under the one condition
            assertThat(h.get(ResourceKind.PLAN, "plan1").at("/status/conditions").findValues("items").toString())
                    .contains("vm-0").contains("vm-1").contains("vm-2");
        }
        try (SqliteResourceStore reopened = SqliteResourceStore.open(tmp.resolve("data"))) {
            assertThat(reopened.unreadable()).isEmpty();
            assertThat(reopened.list(ResourceKind.PLAN, "default")).hasSize(2);
        }
    }
}
