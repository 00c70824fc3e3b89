package io.hoist.core.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ManifestsTest {
    @Test
    void multiDocumentYamlSkipsEmptyDocumentsAndExpandsLists() {
        List<ObjectNode> all = Manifests.parse("""
                ---
                kind: Secret
                metadata: {name: a}
                ---
                ---
                # only a comment
                ---
                kind: List
                items:
                - {kind: Provider, metadata: {name: b}}
                - {kind: Plan, metadata: {name: c}}
                """, "set.yaml");
        assertThat(all).extracting(n -> n.path("metadata").path("name").asText()).containsExactly("a", "b", "c");
    }

    @Test
    void jsonObjectArrayAndFlowYamlAreAccepted() {
        assertThat(Manifests.parse("{\"kind\":\"Plan\"}", "x")).hasSize(1);
        assertThat(Manifests.parse("[{\"kind\":\"Plan\"},{\"kind\":\"Hook\"}]", "x")).hasSize(2);
        assertThat(Manifests.parse("{kind: Plan, spec: {warm: true}}", "x").get(0).at("/spec/warm").asBoolean()).isTrue();
    }

    @Test
    void malformedYamlNamesLineAndColumn() {
        ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.parse("""
                kind: Plan
                spec:
                  vms:
                  - id: a
                   name: b
                """, "plan.yaml"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.column()).isPositive();
        assertThat(e.getMessage()).startsWith("plan.yaml:5:");
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        ManifestException e = catchThrowableOfType(ManifestException.class,
                () -> Manifests.parse("{\n  \"kind\": \"Plan\",\n  \"spec\": {\"warm\" true}\n}", "plan.json"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("plan.json:3:");
    }

    @Test
    void duplicateKeysAreRefused() {
        assertThatThrownBy(() -> Manifests.parse("kind: Plan\nkind: Hook\n", "dup.yaml"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("dup.yaml:2:")
                .hasMessageContaining("kind");
    }

    @Test
    void scalarDocumentIsNotAnObject() {
        assertThatThrownBy(() -> Manifests.parse("just text\n", "t.yaml"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("not an object");
    }

    @Test
    void yamlOutputQuotesStringsThatWouldChangeType() {
        ObjectNode n = Manifests.parseOne("""
                a: "on"
                b: "20"
                c: "true"
                d: "null"
                e: ""
                f: "2024-04-04T01:23:45Z"
                g: 20
                h: true
                i: "multi\\nline"
                """, "q");
        String yaml = Manifests.toYaml(n);
        assertThat(Manifests.parseOne(yaml, "out")).isEqualTo(n);
        assertThat(Manifests.parse(Manifests.toYaml(List.of(n, n)), "out2")).containsExactly(n, n);
    }

    @Test
    void parseOneRefusesSeveral() {
        assertThatThrownBy(() -> Manifests.parseOne("a: 1\n---\nb: 2\n", "two"))
                .hasMessageContaining("exactly one object, found 2");
    }

    @Test
    void dropNullsRemovesNullFieldsRecursively() {
        ObjectNode n = Manifests.parseOne("spec:\n  preserveStaticIPs:\n  vms:\n  - id: a\n    name: ~\n", "n");
        Manifests.dropNulls(n);
        assertThat(n.toString()).isEqualTo("{\"spec\":{\"vms\":[{\"id\":\"a\"}]}}");
    }
}
