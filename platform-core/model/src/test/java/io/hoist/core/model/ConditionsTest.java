package io.hoist.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.schema.CrdSchemas;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConditionsTest {
    static final Instant T1 = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2024-01-01T01:00:00Z");

    static Condition ready(String status, String message) {
        return Condition.of(Conditions.READY, status, Condition.CATEGORY_REQUIRED, "", message);
    }

    @Test
    void setAddsThenReplacesByTypeKeepingTimeWhileStatusIsUnchanged() {
        List<Condition> list = Conditions.set(null, ready("True", "ready"), T1);
        assertThat(list).singleElement().satisfies(c -> assertThat(c.lastTransitionTime).isEqualTo("2024-01-01T00:00:00Z"));

        list = Conditions.set(list, ready("True", "still ready, new words"), T2);
        assertThat(list).singleElement().satisfies(c -> {
            assertThat(c.message).isEqualTo("still ready, new words");
            assertThat(c.lastTransitionTime).isEqualTo("2024-01-01T00:00:00Z");
        });

        list = Conditions.set(list, ready("False", "not ready"), T2);
        assertThat(list).singleElement().satisfies(c -> assertThat(c.lastTransitionTime).isEqualTo("2024-01-01T01:00:00Z"));
        assertThat(Conditions.isTrue(list, Conditions.READY)).isFalse();
    }

    @Test
    void otherTypesAreKeptInOrderAndRemoveWorks() {
        List<Condition> list = Conditions.set(null, ready("True", ""), T1);
        list = Conditions.set(list, Condition.of(Conditions.EXECUTING, "True", Condition.CATEGORY_ADVISORY, "", ""), T1);
        list = Conditions.set(list, ready("False", ""), T2);
        assertThat(list).extracting(c -> c.type).containsExactly(Conditions.READY, Conditions.EXECUTING);
        assertThat(Conditions.isTrue(list, Conditions.EXECUTING)).isTrue();
        assertThat(Conditions.remove(list, Conditions.READY)).extracting(c -> c.type).containsExactly(Conditions.EXECUTING);
    }

    @Test
    void storedObjectConditionsValidateAgainstTheSchema() {
        ObjectNode plan = Manifests.parseOne("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: p}
                spec:
                  targetNamespace: t
                  provider: {source: {name: s}, destination: {name: d}}
                  map: {network: {name: n}, storage: {name: s}}
                  vms: []
                """, "p");
        Conditions.setInStatus(plan, ready("True", "The migration plan is ready."), T1);
        Conditions.setInStatus(plan, ready("True", "again"), T2);
        assertThat(Conditions.isTrue(plan, Conditions.READY)).isTrue();
        assertThat(plan.at("/status/conditions/0/lastTransitionTime").asText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(plan.at("/status/conditions").size()).isEqualTo(1);
        assertThat(CrdSchemas.validate(ResourceKind.PLAN, plan)).isEmpty();
    }

    @Test
    void timestampsParseOffsetsAndRefuseLocalTimes() {
        assertThat(Timestamps.parse("2024-04-04T01:23:45.678+09:00")).contains(Instant.parse("2024-04-03T16:23:45.678Z"));
        assertThat(Timestamps.parse("2024-04-04T01:23:45")).isEmpty();
        assertThat(Timestamps.format(Instant.parse("2024-04-04T01:23:45.678Z"))).isEqualTo("2024-04-04T01:23:45Z");
    }
}
