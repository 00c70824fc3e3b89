package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.Conditions;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.meta.Condition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MtvAdmissionTest {
    final MtvAdmission admission = new MtvAdmission();

    static final String PLAN = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata: {name: plan1, namespace: demo}
            spec:
              targetNamespace: demo
              provider:
                source: {name: vsphere, namespace: demo}
                destination: {name: host, namespace: demo}
              map:
                network: {name: net, namespace: demo}
                storage: {name: st, namespace: demo}
              vms:
              - id: vm-1
              - name: web
                targetName: web-new
                hooks:
                - {hook: {name: pre, namespace: demo}, step: PreHook}
                - {hook: {name: post, namespace: demo}, step: PostHook}
            """;

    static ObjectNode yaml(String text) {
        return Manifests.parseOne(text, "test");
    }

    static ObjectNode plan(String specPatchYaml) {
        ObjectNode p = yaml(PLAN);
        if (!specPatchYaml.isEmpty()) {
            ((ObjectNode) p.get("spec")).setAll(yaml(specPatchYaml));
        }
        return p;
    }

    List<Cause> causes(ResourceKind kind, ObjectNode incoming, ObjectNode existing) {
        AdmissionException e = catchThrowableOfType(AdmissionException.class,
                () -> admission.admit(kind, incoming, existing));
        assertThat(e).as("expected admission to refuse").isNotNull();
        return e.causes();
    }

    List<String> fields(ResourceKind kind, ObjectNode incoming) {
        return causes(kind, incoming, null).stream().map(Cause::field).toList();
    }

    @Test
    void validPlanIsAdmittedAndNullsPruned() {
        ObjectNode p = plan("preserveStaticIPs: null");
        ObjectNode stored = admission.admit(ResourceKind.PLAN, p, null);
        assertThat(stored.at("/spec").has("preserveStaticIPs")).isFalse();
        assertThat(stored.at("/spec/vms/1/targetName").asText()).isEqualTo("web-new");
    }

    @Test
    void incomingStatusIsIgnoredAndExistingStatusKept() {
        ObjectNode exported = plan("");
        exported.putObject("status").putArray("conditions").addObject().put("type", "Succeeded"); // not schema-valid
        assertThat(admission.admit(ResourceKind.PLAN, exported, null).has("status")).isFalse();
        ObjectNode existing = withCondition(plan(""), Conditions.READY);
        ObjectNode stored = admission.admit(ResourceKind.PLAN, exported, existing);
        assertThat(stored.get("status")).isEqualTo(existing.get("status"));
    }

    @Test
    void missingApiVersionAndKindAreFilledWrongOnesRefused() {
        ObjectNode p = plan("");
        p.remove("apiVersion");
        p.remove("kind");
        ObjectNode stored = admission.admit(ResourceKind.PLAN, p, null);
        assertThat(stored.get("apiVersion").asText()).isEqualTo("forklift.konveyor.io/v1beta1");
        assertThat(stored.get("kind").asText()).isEqualTo("Plan");
        p.put("kind", "Migration");
        assertThat(fields(ResourceKind.PLAN, p)).containsExactly("kind");
    }

    @Test
    void namesMustBeDns1123Labels() {
        ObjectNode p = plan("");
        p.with("metadata").put("name", "My_Plan");
        assertThat(fields(ResourceKind.PLAN, p)).containsExactly("metadata.name");
        p.with("metadata").put("name", "a".repeat(64));
        assertThat(causes(ResourceKind.PLAN, p, null).get(0).message()).contains("no more than 63");
        p.with("metadata").remove("name");
        assertThat(causes(ResourceKind.PLAN, p, null)).extracting(Cause::reason).containsExactly("FieldValueRequired");
    }

    @Test
    void everyProblemIsOneCauseWithItsPath() {
        ObjectNode p = plan("""
                type: hot
                targetPowerState: sideways
                pvcNameTemplate: "{{.VmName"
                vms:
                - {}
                - id: vm-2
                  targetName: Bad_Name
                  hooks:
                  - {hook: {name: a}, step: PreHook}
                  - {hook: {name: b}, step: PreHook}
                  - {hook: {name: c}, step: During}
                - id: vm-2
                """);
        assertThat(fields(ResourceKind.PLAN, p)).containsExactlyInAnyOrder(
                "spec.type", "spec.targetPowerState", "spec.pvcNameTemplate",
                "spec.vms[0].id",
                "spec.vms[1].targetName",
                "spec.vms[1].hooks", "spec.vms[1].hooks[1].step", "spec.vms[1].hooks[2].step",
                "spec.vms[2].id");
    }

    @Test
    void templateWithUnknownVariableIsRefused() {
        List<Cause> causes = causes(ResourceKind.PLAN, plan("volumeNameTemplate: \"disk-{{.DiskIndex}}\""), null);
        assertThat(causes).singleElement().satisfies(c -> {
            assertThat(c.field()).isEqualTo("spec.volumeNameTemplate");
            assertThat(c.message()).contains("unknown variable .DiskIndex").contains(".VolumeIndex");
        });
    }

    @Test
    void mapsAndProvidersMustBeNamed() {
        ObjectNode p = plan("map: {network: {namespace: demo}, storage: {name: st}}");
        assertThat(fields(ResourceKind.PLAN, p)).containsExactly("spec.map.network.name");
    }

    @Test
    void referencesToMissingObjectsAreAccepted() {
        ObjectNode p = plan("map: {network: {name: does-not-exist}, storage: {name: nor-this}}");
        assertThat(admission.admit(ResourceKind.PLAN, p, null)).isNotNull();
    }

    static ObjectNode withCondition(ObjectNode plan, String type) {
        Conditions.setInStatus(plan, Condition.of(type, Condition.TRUE, Condition.CATEGORY_ADVISORY, "", ""), Instant.EPOCH);
        return plan;
    }

    @Test
    void runningOrSucceededPlanKeepsSettingsMappingsAndHooks() {
        for (String state : List.of(Conditions.EXECUTING, Conditions.SUCCEEDED)) {
            ObjectNode existing = withCondition(plan(""), state);
            ObjectNode changed = plan("""
                    targetNamespace: other
                    map: {network: {name: net2, namespace: demo}, storage: {name: st, namespace: demo}}
                    """);
            ((ObjectNode) changed.at("/spec/vms/1/hooks/0")).put("step", "PostHook");
            ((ObjectNode) changed.at("/spec/vms/1/hooks/1")).put("step", "PreHook");
            List<Cause> causes = causes(ResourceKind.PLAN, changed, existing);
            assertThat(causes).extracting(Cause::field)
                    .containsExactlyInAnyOrder("spec.targetNamespace", "spec.map", "spec.vms[1].hooks");
            assertThat(causes).allSatisfy(c -> assertThat(c.reason()).isEqualTo("FieldValueForbidden"));
            // unchanged spec (labels only) is fine, and an explicit default equals absence
            ObjectNode same = plan("archived: false");
            same.with("metadata").putObject("labels").put("team", "infra");
            assertThat(admission.admit(ResourceKind.PLAN, same, existing)).isNotNull();
            // VMs may be added or removed; a kept VM keeps its settings
            ObjectNode moreVms = plan("description: second wave");
            ((com.fasterxml.jackson.databind.node.ArrayNode) moreVms.at("/spec/vms")).remove(0);
            ((com.fasterxml.jackson.databind.node.ArrayNode) moreVms.at("/spec/vms")).addObject().put("id", "vm-9");
            assertThat(admission.admit(ResourceKind.PLAN, moreVms, existing)).isNotNull();
            ((ObjectNode) moreVms.at("/spec/vms/0")).put("targetName", "renamed");
            assertThat(causes(ResourceKind.PLAN, moreVms, existing)).extracting(Cause::field).containsExactly("spec.vms[0]");
        }
    }

    @Test
    void succeededPlanCanBeArchivedRunningPlanCannot() {
        assertThat(admission.admit(ResourceKind.PLAN, plan("archived: true"),
                withCondition(plan(""), Conditions.SUCCEEDED))).isNotNull();
        assertThat(causes(ResourceKind.PLAN, plan("archived: true"), withCondition(plan(""), Conditions.EXECUTING)))
                .extracting(Cause::field).containsExactly("spec.archived");
    }

    @Test
    void archivingIsIrreversibleAndArchivedPlansAreReadOnly() {
        ObjectNode archived = plan("archived: true");
        assertThat(causes(ResourceKind.PLAN, plan("archived: false"), archived)).extracting(Cause::field)
                .containsExactly("spec.archived");
        assertThat(causes(ResourceKind.PLAN, plan("archived: true\nwarm: true"), archived)).extracting(Cause::field)
                .containsExactly("spec.warm");
        assertThat(admission.admit(ResourceKind.PLAN, plan("archived: true"), archived)).isNotNull();
        assertThat(fields(ResourceKind.PLAN, plan("archived: true"))).containsExactly("spec.archived");
    }

    @Test
    void runningPlanCannotBeDeleted() {
        assertThatThrownBy(() -> admission.admitDelete(ResourceKind.PLAN, withCondition(plan(""), Conditions.EXECUTING)))
                .isInstanceOf(AdmissionException.class).hasMessageContaining("running plan cannot be deleted");
        admission.admitDelete(ResourceKind.PLAN, withCondition(plan(""), Conditions.SUCCEEDED));
        admission.admitDelete(ResourceKind.PLAN, plan(""));
    }

    @Test
    void nameAndNamespaceAreImmutable() {
        ObjectNode renamed = plan("");
        renamed.with("metadata").put("name", "plan2");
        assertThat(causes(ResourceKind.PLAN, renamed, plan(""))).extracting(Cause::field).containsExactly("metadata.name");
    }

    static final String MIGRATION = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Migration
            metadata: {name: m1, namespace: demo}
            spec:
              plan: {name: plan1, namespace: demo}
            """;

    @Test
    void cutoverMustBeRfc3339WithOffset() {
        ObjectNode m = yaml(MIGRATION);
        m.with("spec").put("cutover", "2024-04-04T01:23:45.678+09:00");
        assertThat(admission.admit(ResourceKind.MIGRATION, m, null)).isNotNull();
        for (String bad : List.of("2024-04-04T01:23:45", "2024-04-04 01:23:45Z", "tomorrow")) {
            m.with("spec").put("cutover", bad);
            assertThat(fields(ResourceKind.MIGRATION, m)).as(bad).containsExactly("spec.cutover");
        }
    }

    @Test
    void migrationNeedsPlanNameAndCancelledVmsById() {
        ObjectNode m = yaml(MIGRATION);
        m.with("spec").putObject("plan");
        m.with("spec").putArray("cancel").addObject().put("namespace", "x");
        assertThat(fields(ResourceKind.MIGRATION, m)).containsExactlyInAnyOrder("spec.plan.name", "spec.cancel[0].id");
    }

    static final String NETWORK_MAP = """
            apiVersion: forklift.konveyor.io/v1beta1
            kind: NetworkMap
            metadata: {name: net, namespace: demo}
            spec:
              provider:
                source: {name: vsphere}
                destination: {name: host}
              map:
              - source: {id: network-1}
                destination: {type: pod}
              - source: {name: VM Network}
                destination: {type: multus, name: nad1, namespace: demo}
              - source: {id: network-3}
                destination: {type: ignored}
            """;

    @Test
    void networkMapDestinations() {
        assertThat(admission.admit(ResourceKind.NETWORK_MAP, yaml(NETWORK_MAP), null)).isNotNull();
        ObjectNode bad = yaml(NETWORK_MAP);
        ((ObjectNode) bad.at("/spec/map/0/destination")).put("type", "bridge");
        ((ObjectNode) bad.at("/spec/map/1/destination")).remove("namespace");
        ((ObjectNode) bad.at("/spec/map/2/source")).put("id", "network-1");
        List<Cause> causes = causes(ResourceKind.NETWORK_MAP, bad, null);
        assertThat(causes).extracting(Cause::field).containsExactlyInAnyOrder(
                "spec.map[0].destination.type", "spec.map[1].destination.namespace", "spec.map[2].source");
    }

    @Test
    void storageMapModes() {
        ObjectNode sm = yaml("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: st, namespace: demo}
                spec:
                  provider: {source: {name: vsphere}, destination: {name: host}}
                  map:
                  - source: {id: datastore-1}
                    destination: {storageClass: standard, accessMode: ReadWriteOnce, volumeMode: Block}
                  - source: {name: ds2}
                    destination: {storageClass: fast, accessMode: ReadWriteAll, volumeMode: Raw}
                """);
        assertThat(fields(ResourceKind.STORAGE_MAP, sm)).containsExactlyInAnyOrder(
                "spec.map[1].destination.accessMode", "spec.map[1].destination.volumeMode");
    }

    @Test
    void providerTypeChecksComeFromTheChecksOfItsTypeAndNeverEchoCredentials() {
        // a stand-in for the plugin serving "vsphere": it flags the URL (echoing it) and the Secret reference
        ProviderSpecChecks vsphereChecks = provider -> !"vsphere".equals(provider.spec.type) ? List.of() : List.of(
                Cause.invalid("spec.url", "Invalid value: \"" + provider.spec.url + "\": path must be /sdk"),
                Cause.required("spec.secret.name", "Required value: the Secret with the credentials"));
        MtvAdmission withChecks = new MtvAdmission(vsphereChecks);
        ObjectNode pr = yaml("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: vsphere, namespace: demo}
                spec:
                  type: vsphere
                  url: https://admin:s3cret@vcenter.example.com/api
                  secret: {namespace: demo}
                """);
        AdmissionException e = catchThrowableOfType(AdmissionException.class, () -> withChecks.admit(ResourceKind.PROVIDER, pr, null));
        assertThat(e).isNotNull();
        assertThat(e.causes()).extracting(Cause::field).containsExactly("spec.url", "spec.secret.name");
        assertThat(e.causes()).extracting(Cause::reason).containsExactly("FieldValueInvalid", "FieldValueRequired");
        assertThat(e.causes().get(0).message()).doesNotContain("s3cret").contains("***@vcenter.example.com");

        // core alone knows no provider type: the same spec is admitted, its problems left to the plugin
        assertThat(admission.admit(ResourceKind.PROVIDER, pr, null)).isNotNull();
        // a type the checks do not serve is admitted too
        pr.with("spec").put("type", "mainframe");
        assertThat(withChecks.admit(ResourceKind.PROVIDER, pr, null)).isNotNull();
        // type-free rules stay in core
        pr.with("spec").putObject("settings").put(" ", "x");
        assertThat(fields(ResourceKind.PROVIDER, pr)).containsExactly("spec.settings");
    }

    @Test
    void hostNeedsIdOrNameAndAnIp() {
        ObjectNode h = yaml("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Host
                metadata: {name: esx1, namespace: demo}
                spec:
                  provider: {name: vsphere, namespace: demo}
                  ipAddress: 10.0.0.300
                  secret: {name: esx1}
                """);
        assertThat(fields(ResourceKind.HOST, h)).containsExactlyInAnyOrder("spec.id", "spec.ipAddress");
        h.with("spec").put("id", "host-1").put("ipAddress", "fd00::10");
        assertThat(admission.admit(ResourceKind.HOST, h, null)).isNotNull();
    }

    @Test
    void aPlaybookThatIsNotBase64IsAcceptedWithAnInvalidPlaybookCondition() {
        ObjectNode hook = yaml("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Hook
                metadata: {name: pre, namespace: demo}
                spec:
                  image: quay.io/kubev2v/hook-runner
                  playbook: "LS0tCi0gbm..."
                  deadline: -5
                """);
        assertThat(fields(ResourceKind.HOOK, hook)).containsExactly("spec.deadline");
        hook.with("spec").put("deadline", 300);
        ObjectNode admitted = admission.admit(ResourceKind.HOOK, hook, null);
        assertThat(conditionTypes(admitted)).containsExactly("InvalidPlaybook");
        assertThat(admitted.at("/status/conditions/0/category").asText()).isEqualTo("Critical");
        assertThat(admitted.at("/status/conditions/0/status").asText()).isEqualTo("True");

        // fixed: Ready, and the InvalidPlaybook condition is gone
        hook.with("spec").put("playbook", "LS0tCi0gbmFtZTogTWFpbgogIGhvc3RzOiBsb2NhbGhvc3QK");
        ObjectNode fixed = admission.admit(ResourceKind.HOOK, hook, admitted);
        assertThat(conditionTypes(fixed)).containsExactly("Ready");
        // a later write with the same spec keeps the condition's transition time
        ObjectNode again = admission.admit(ResourceKind.HOOK, hook, fixed);
        assertThat(again.get("status")).isEqualTo(fixed.get("status"));
        // MIME base64 (line breaks) is base64
        hook.with("spec").put("playbook", "LS0tCi0gbmFtZTogTWFp\nbgogIGhvc3RzOiBsb2NhbGhvc3QK");
        assertThat(conditionTypes(admission.admit(ResourceKind.HOOK, hook, fixed))).containsExactly("Ready");
    }

    private static java.util.List<String> conditionTypes(ObjectNode o) {
        java.util.List<String> out = new java.util.ArrayList<>();
        o.path("status").path("conditions").forEach(c -> out.add(c.path("type").asText()));
        return out;
    }

    @Test
    void secretDataMustBeBase64AndStringDataIsFolded() {
        ObjectNode s = yaml("""
                apiVersion: v1
                kind: Secret
                metadata: {name: vsphere-credentials, namespace: demo}
                type: Opaque
                data: {user: YWRtaW4=, password: "not base64!"}
                stringData: {url: "https://vcenter/sdk"}
                """);
        List<Cause> causes = causes(ResourceKind.SECRET, s, null);
        assertThat(causes).extracting(Cause::field).containsExactly("data[password]");
        assertThat(causes.get(0).message()).doesNotContain("not base64!");
        ((ObjectNode) s.get("data")).put("password", "c2VjcmV0");
        ObjectNode stored = admission.admit(ResourceKind.SECRET, s, null);
        assertThat(stored.has("stringData")).isFalse();
        assertThat(stored.at("/data/url").asText()).isEqualTo("aHR0cHM6Ly92Y2VudGVyL3Nkaw==");
    }

    @Test
    void forkliftControllerValuesMustParse() {
        ObjectNode fc = yaml("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: ForkliftController
                metadata: {name: forklift-controller, namespace: openshift-mtv}
                spec:
                  controller_max_vm_inflight: "ten"
                  controller_filesystem_overhead: 150
                  controller_precopy_interval: 30
                """);
        assertThat(fields(ResourceKind.FORKLIFT_CONTROLLER, fc)).containsExactlyInAnyOrder(
                "spec.controller_max_vm_inflight", "spec.controller_filesystem_overhead");
    }

    @Test
    void duplicatorCopiesEverythingButIdentityStatusAndArchive() {
        ObjectNode original = withCondition(plan("archived: true\nwarm: true"), Conditions.SUCCEEDED);
        original.with("metadata").put("uid", "123").put("resourceVersion", "9").putObject("labels").put("team", "a");
        ObjectNode copy = PlanDuplicator.duplicate(original, "plan1-copy");
        assertThat(copy.has("status")).isFalse();
        assertThat(copy.at("/metadata/name").asText()).isEqualTo("plan1-copy");
        assertThat(copy.at("/metadata").has("uid")).isFalse();
        assertThat(copy.at("/metadata/labels/team").asText()).isEqualTo("a");
        assertThat(copy.at("/spec").has("archived")).isFalse();
        assertThat(copy.at("/spec/warm").asBoolean()).isTrue();
        assertThat(copy.at("/spec/vms")).isEqualTo(original.at("/spec/vms"));
        assertThat(admission.admit(ResourceKind.PLAN, copy, null)).isNotNull();
        assertThatThrownBy(() -> PlanDuplicator.duplicate(original, "Bad Name")).isInstanceOf(AdmissionException.class);
    }
}
