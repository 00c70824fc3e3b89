package io.hoist.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.resource.Plan;
import io.hoist.core.model.resource.VmStatus;
import org.junit.jupiter.api.Test;

import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourcesTest {
    /** Numbers compare by value: YAML 5 is an IntNode, a Long field writes a LongNode. */
    static final Comparator<JsonNode> NUMERIC = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    static void assertSameTree(JsonNode actual, JsonNode expected) {
        assertThat(actual.equals(NUMERIC, expected))
                .as("round trip of\n%s\ngave\n%s", Manifests.toYaml(expected), Manifests.toYaml(actual))
                .isTrue();
    }

    static final String PLAN = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata:
              name: p1
              namespace: demo
              labels: {team: infra}
              managedFields: [{manager: kubectl}]
            spec:
              type: warm
              futureField: {nested: [1, 2, 3]}
              targetNamespace: target
              provider:
                source: {name: vsphere, namespace: demo}
                destination: {name: host, namespace: demo}
              map:
                network: {name: net, namespace: demo}
                storage: {name: st, namespace: demo}
              targetAffinity:
                podAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 50
                    podAffinityTerm: {topologyKey: kubernetes.io/hostname}
              vms:
              - id: vm-1
                hooks:
                - hook: {name: pre, namespace: demo}
                  step: PreHook
                extraVmField: true
            status:
              conditions:
              - type: Ready
                status: "True"
                category: Required
                lastTransitionTime: "2024-04-04T01:23:45Z"
                message: The migration plan is ready.
              migration:
                started: "2024-04-04T01:23:45Z"
                vms:
                - id: vm-1
                  name: web
                  phase: CopyDisks
                  pipeline:
                  - name: DiskTransfer
                    phase: Running
                    progress: {completed: 1024, total: 4096}
                    annotations: {unit: MB}
                    tasks:
                    - name: "[ds1] web/web.vmdk"
                      progress: {completed: 1024, total: 2048}
                  warm:
                    successes: 2
                    failures: 0
                    consecutiveFailures: 0
                    precopies:
                    - start: "2024-04-04T01:23:45Z"
                      snapshot: snapshot-1
                      deltas: [{disk: "[ds1] web/web.vmdk", deltaId: "52 de c0 d9"}]
                  error: {phase: CopyDisks, reasons: [boom]}
            """;

    @Test
    void planRoundTripsWithUnknownFields() {
        ObjectNode node = Manifests.parseOne(PLAN, "plan.yaml");
        Plan plan = Resources.plan(node);

        assertThat(plan.spec.migrationType()).isEqualTo("warm");
        assertThat(plan.spec.vms.get(0).hooks.get(0).hook.name).isEqualTo("pre");
        assertThat(plan.spec.unknownFields()).containsKey("futureField");
        VmStatus vm = plan.status.migration.vms.get(0);
        assertThat(vm.pipeline.get(0).tasks.get(0).progress.total).isEqualTo(2048L);
        assertThat(vm.warm.precopies.get(0).deltas.get(0).deltaId).isEqualTo("52 de c0 d9");
        assertThat(vm.error.reasons).containsExactly("boom");

        assertSameTree(Resources.toNode(plan), node);
    }

    @Test
    void legacyWarmFlagGivesMigrationType() {
        Plan plan = Resources.plan(Manifests.parseOne("kind: Plan\nspec: {warm: true}\n", "x"));
        assertThat(plan.spec.migrationType()).isEqualTo(Plan.TYPE_WARM);
        plan.spec.warm = false;
        assertThat(plan.spec.migrationType()).isEqualTo(Plan.TYPE_COLD);
        plan.spec.type = "live";
        assertThat(plan.spec.migrationType()).isEqualTo(Plan.TYPE_LIVE);
    }

    @Test
    void wrongTypeNamesTheField() {
        ObjectNode node = Manifests.parseOne("kind: Plan\nspec:\n  vms:\n  - hooks: notalist\n", "x");
        assertThatThrownBy(() -> Resources.plan(node))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spec.vms[0].hooks");
    }
}
