package io.hoist.core.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.Cause;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CrdSchemasTest {
    static final String PLAN = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata: {name: p1, namespace: demo}
            spec:
              targetNamespace: demo
              provider:
                source: {name: src, namespace: demo}
                destination: {name: host, namespace: demo}
              map:
                network: {name: net, namespace: demo}
                storage: {name: st, namespace: demo}
              vms:
              - id: vm-1
            """;

    static ObjectNode plan(String extraSpecYaml) {
        ObjectNode p = Manifests.parseOne(PLAN, "plan.yaml");
        if (!extraSpecYaml.isEmpty()) {
            ObjectNode extra = Manifests.parseOne(extraSpecYaml, "extra");
            ((ObjectNode) p.get("spec")).setAll(extra);
        }
        return p;
    }

    @Test
    void everyForkliftKindHasASchema() {
        assertThat(CrdSchemas.kinds()).containsExactlyInAnyOrder(ResourceKind.PROVIDER, ResourceKind.HOST,
                ResourceKind.NETWORK_MAP, ResourceKind.STORAGE_MAP, ResourceKind.PLAN, ResourceKind.MIGRATION,
                ResourceKind.HOOK);
        assertThat(CrdSchemas.hasSchema(ResourceKind.SECRET)).isFalse();
    }

    @Test
    void validPlanHasNoCauses() {
        assertThat(CrdSchemas.validate(ResourceKind.PLAN, plan(""))).isEmpty();
    }

    @Test
    void missingRequiredFieldIsNamed() {
        ObjectNode p = plan("");
        ((ObjectNode) p.get("spec")).remove("targetNamespace");
        assertThat(CrdSchemas.validate(ResourceKind.PLAN, p))
                .containsExactly(Cause.required("spec.targetNamespace", "Required value"));
    }

    @Test
    void enumViolationListsSupportedValues() {
        List<Cause> causes = CrdSchemas.validate(ResourceKind.PLAN, plan("type: hot"));
        assertThat(causes).hasSize(1);
        assertThat(causes.get(0).field()).isEqualTo("spec.type");
        assertThat(causes.get(0).reason()).isEqualTo("FieldValueNotSupported");
        assertThat(causes.get(0).message()).contains("\"hot\"").contains("\"cold\", \"warm\", \"live\", \"conversion\"");
    }

    @Test
    void unquotedOnIsABooleanAndTheMessageSaysSo() {
        List<Cause> causes = CrdSchemas.validate(ResourceKind.PLAN, plan("targetPowerState: on"));
        assertThat(causes).isNotEmpty();
        assertThat(causes).allSatisfy(c -> assertThat(c.field()).isEqualTo("spec.targetPowerState"));
        assertThat(causes.get(0).message()).contains("quote the value");
    }

    @Test
    void nestedTypeErrorHasIndexedPath() {
        List<Cause> causes = CrdSchemas.validate(ResourceKind.PLAN, plan("vms: [{id: a, hooks: notalist}]"));
        assertThat(causes).extracting(Cause::field).containsExactly("spec.vms[0].hooks");
        assertThat(causes.get(0).message()).contains("array");
    }

    @Test
    void hookWithoutStepIsRequiredAtItsPath() {
        List<Cause> causes = CrdSchemas.validate(ResourceKind.PLAN,
                plan("vms: [{id: a, hooks: [{hook: {name: h}}]}]"));
        assertThat(causes).containsExactly(Cause.required("spec.vms[0].hooks[0].step", "Required value"));
    }

    @Test
    void dateTimeFormatIsChecked() {
        ObjectNode m = Manifests.parseOne("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: m}
                spec:
                  plan: {name: p1}
                  cutover: "tomorrow"
                """, "m");
        assertThat(CrdSchemas.validate(ResourceKind.MIGRATION, m)).extracting(Cause::field)
                .containsExactly("spec.cutover");
        m.with("spec").put("cutover", "2024-04-04T01:23:45.678+09:00");
        assertThat(CrdSchemas.validate(ResourceKind.MIGRATION, m)).isEmpty();
    }

    @Test
    void statusIsValidatedToo() {
        ObjectNode p = plan("");
        p.set("status", Manifests.parseOne("""
                conditions:
                - type: Ready
                  status: "True"
                  message: ready
                """, "s"));
        assertThat(CrdSchemas.validate(ResourceKind.PLAN, p)).extracting(Cause::field)
                .containsExactlyInAnyOrder("status.conditions[0].category", "status.conditions[0].lastTransitionTime");
    }

    @Test
    void nullableAndIntOrStringAreTranslated() {
        JsonNode openApi = Manifests.parseOne("""
                type: object
                properties:
                  size: {x-kubernetes-int-or-string: true}
                  note: {type: string, nullable: true}
                  list: {type: array, x-kubernetes-list-type: atomic, items: {type: string}}
                """, "s");
        JsonNode schema = CrdSchemas.toJsonSchema(openApi);
        var validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        assertThat(validator.validate(Manifests.parseOne("{size: 3, note: null, list: [a]}", "x"))).isEmpty();
        assertThat(validator.validate(Manifests.parseOne("{size: 30Gi}", "x"))).isEmpty();
        assertThat(validator.validate(Manifests.parseOne("{size: [1]}", "x"))).isNotEmpty();
        assertThat(validator.validate(Manifests.parseOne("{note: 5}", "x"))).isNotEmpty();
        assertThat(schema.toString()).doesNotContain("x-kubernetes");
    }
}
